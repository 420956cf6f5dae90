import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as path from 'path';
import type { VolumeData } from '../volume';
import { dhwShape } from '../volume';
import { readVolume, readVolumeSync, readVolumeWithRaw } from './read-volume';
import { sharedForTest } from '@afl/core/testing';
import { readSharedManifest, type ManifestEntry } from './shared-manifest';

const manifest = sharedForTest('data', 'manifest.json');
const shared = manifest.path ? readSharedManifest(path.dirname(manifest.path)) : undefined;
const READABLE_ROLES = new Set(['image', 'mask', 'label']);

/** Voxel counts per value, run-length accelerated (labels come in long runs). */
function valueCounts(data: VolumeData): Map<number, number> {
  const counts = new Map<number, number>();
  let last = data.length > 0 ? data[0] : 0;
  let run = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === last) {
      run++;
    } else {
      counts.set(last, (counts.get(last) ?? 0) + run);
      last = v;
      run = 1;
    }
  }
  if (run > 0) counts.set(last, (counts.get(last) ?? 0) + run);
  return counts;
}

function stats(data: VolumeData): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / data.length };
}

function assertMatrixClose(actual: number[][], expected: number[][], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  actual.forEach((row, i) =>
    row.forEach((v, j) => {
      assert.ok(Math.abs(v - expected[i][j]) <= tol, `${what}[${i}][${j}] = ${v}, expected ${expected[i][j]} (tol ${tol})`);
    }),
  );
}

/** The RAS affine as voxel -> LPS, cut down to the manifest's size (3x3 for 2-D MetaImages). */
function toLps(affine: number[][], size: number): number[][] {
  const lps = affine.map((row, i) => (i < 2 ? row.map((v) => -v) : row));
  if (size === 4) return lps;
  const keep = [...Array(size - 1).keys(), 3];
  return [...keep.slice(0, -1).map((i) => keep.map((j) => lps[i][j])), [...Array(size - 1).fill(0), 1]];
}

async function checkEntry(dir: string, f: ManifestEntry): Promise<void> {
  const { volume: v, raw } = await readVolumeWithRaw(path.join(dir, f.path));
  assert.deepEqual(v.shape, f.shape, 'shape');
  assert.equal(v.dtype, f.dtype, 'dtype');
  assert.equal(v.source, path.join(dir, f.path));
  assert.equal(v.spacing.length, f.spacing!.length, 'spacing length');
  v.spacing.forEach((s, i) => assert.ok(Math.abs(s - f.spacing![i]) <= 1e-6 * Math.max(1, Math.abs(s)), `spacing ${v.spacing} vs ${f.spacing}`));
  assert.equal(v.data.length, raw.length);
  assert.equal(v.affine.length, 4);
  if (f.affine) assertMatrixClose(v.affine, f.affine, 2e-6, 'affine');
  if (f.affine_lps) assertMatrixClose(toLps(v.affine, f.affine_lps.length), f.affine_lps, 2e-6, 'affine_lps');
  const sha = crypto.createHash('sha256').update(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)).digest('hex');
  assert.equal(sha, f.data_sha256, 'data_sha256 of the unscaled voxels');
  const scaled = (f.scl_slope ?? 1) !== 1 || (f.scl_inter ?? 0) !== 0;
  if (scaled || f.dtype === 'float32') assert.ok(v.data instanceof Float32Array, 'scaled/float32 data is a Float32Array');
  else assert.equal(v.data, raw, 'unscaled data keeps the on-disk typed array');
  if (f.label_counts || f.foreground_voxels !== undefined) {
    const counts = valueCounts(v.data);
    if (f.label_counts) {
      const expected = new Map<number, number>();
      for (const [k, n] of Object.entries(f.label_counts)) {
        const key = v.data instanceof Float32Array ? Math.fround(Number(k)) : Number(k);
        expected.set(key, (expected.get(key) ?? 0) + n);
      }
      const sorted = (m: Map<number, number>) => new Map([...m].sort((a, b) => a[0] - b[0]));
      assert.deepEqual(sorted(counts), sorted(expected), 'label_counts');
    }
    if (f.foreground_voxels !== undefined) {
      let fg = 0;
      for (const [value, n] of counts) if (value !== 0) fg += n;
      assert.equal(fg, f.foreground_voxels, 'foreground_voxels');
    }
  }
  if (f.intensity) {
    const s = stats(v.data);
    const tol = (x: number) => 1e-5 * Math.max(1, Math.abs(x));
    assert.ok(Math.abs(s.min - f.intensity.min) <= tol(s.min), `min ${s.min} vs ${f.intensity.min}`);
    assert.ok(Math.abs(s.max - f.intensity.max) <= tol(s.max), `max ${s.max} vs ${f.intensity.max}`);
    assert.ok(Math.abs(s.mean - f.intensity.mean) <= tol(s.mean), `mean ${s.mean} vs ${f.intensity.mean}`);
  }
}

describe('readVolume: every image, mask and label of the shared data manifest', { skip: manifest.skip }, () => {
  const files = shared ? shared.files.filter((f) => READABLE_ROLES.has(f.role)) : [];
  for (const f of files) {
    it(`reproduces shape, spacing, affine, data_sha256 and counts of ${f.path}`, async () => {
      await checkEntry(shared!.dir, f);
    });
  }
});

describe('readVolume: geometry and API', { skip: manifest.skip }, () => {
  const dir = shared?.dir ?? '';
  it('gives the ProstateX-0000 t2w .mha and the PI-CAI masks of case 11373_1001396 the same RAS affine (1e-3 mm)', async () => {
    const image = await readVolume(path.join(dir, 'picai-images/ProstateX-0000_07-07-2011_t2w.mha'));
    for (const sub of ['lesion_human_expert_resampled', 'whole_gland_AI_Bosma22b']) {
      const mask = await readVolume(path.join(dir, 'picai-labels', sub, '11373_1001396.nii.gz'));
      assert.deepEqual(mask.shape, image.shape);
      assertMatrixClose(image.affine, mask.affine, 1e-3, `t2w vs ${sub} affine`);
    }
  });

  it('reads a .hdr.gz/.img.gz pair from either file, and the sync reader agrees with the async one', async () => {
    const viaHeader = await readVolume(path.join(dir, 'formats/nifti-reader-js/air.hdr.gz'));
    const viaImage = readVolumeSync(path.join(dir, 'formats/nifti-reader-js/air.img.gz'));
    assert.deepEqual(viaImage.shape, viaHeader.shape);
    assert.deepEqual(viaImage.affine, viaHeader.affine);
    assert.deepEqual(viaImage.data, viaHeader.data);
    for (const rel of ['formats/elastix/fixed.mhd', 'formats/nifti-reader-js/5D_small.nii', 'formats/nifti-reader-js/big.nii.gz']) {
      const a = readVolumeSync(path.join(dir, rel));
      const b = await readVolume(path.join(dir, rel));
      assert.deepEqual(a, b, rel);
    }
  });

  it('decodes big-endian files to the same voxels as their little-endian twins', async () => {
    const big = await readVolume(path.join(dir, 'formats/nifti-reader-js/big.nii.gz'));
    const little = await readVolume(path.join(dir, 'formats/nifti-reader-js/little.nii.gz'));
    assert.deepEqual(big.data, little.data);
    assert.deepEqual(big.affine, little.affine);
  });

  it('applies scl_slope 2^-32 / scl_inter 0.5 to the int32 BraTS brain mask (0 and 1, not +-2^31)', async () => {
    const v = await readVolume(path.join(dir, 'brats/brats2015_deepmedic/brats_2013_pat0004_1/brainmask.nii.gz'));
    assert.ok(v.data instanceof Float32Array);
    const counts = valueCounts(v.data);
    assert.deepEqual([...counts.keys()].sort(), [0, 1]);
    assert.equal(counts.get(1), 1245191, 'foreground voxels (scaled in place by the public reader)');
    assert.equal(v.dtype, 'int32');
  });

  it('exposes the flat data as C-order [D, H, W] through dhwShape', async () => {
    const v = await readVolume(path.join(dir, 'formats/elastix/3DCT_lung_baseline_small.mha'));
    assert.deepEqual(dhwShape(v), [64, 78, 57]);
    const [nx, ny] = v.shape;
    const [x, y, z] = [10, 20, 30];
    assert.equal(v.data[x + nx * (y + ny * z)], v.data[(z * ny + y) * nx + x]);
  });
});
