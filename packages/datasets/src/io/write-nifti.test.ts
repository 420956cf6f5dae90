import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Volume } from '../volume';
import { qformAffine } from './nifti-affine';
import { readVolume, readVolumeSync } from './read-volume';
import { sharedForTest } from '@afl/core/testing';
import { writeNifti, writeNiftiSync } from './write-nifti';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-write-nifti-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const data = sharedForTest('data');
const dir = data.path;

const PYTHON = '/usr/bin/python3';
const hasNibabel = spawnSync(PYTHON, ['-c', 'import nibabel'], { encoding: 'utf8' }).status === 0;
const NO_NIBABEL = `nibabel not importable by ${PYTHON} (apt-get install -y python3-nibabel); skipping the nibabel cross-check`;

function close(a: number[][], b: number[][], tol: number, what: string): void {
  a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol, `${what}[${i}][${j}] ${v} vs ${b[i][j]}`)));
}

/** Header fields of a written file, decoded here independently of the reader. */
function headerOf(file: string): { qform: number[][]; codes: [number, number]; datatype: number; bytes: Buffer } {
  let bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f) bytes = zlib.gunzipSync(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f = (o: number) => dv.getFloat32(o, true);
  const pixdim = Array.from({ length: 8 }, (_, i) => f(76 + 4 * i));
  const qform = qformAffine(
    { shape: [], pixdim, qformCode: 1, sformCode: 0, quatern: [f(256), f(260), f(264)], qoffset: [f(268), f(272), f(276)], srow: [] },
    pixdim,
  );
  return { qform, codes: [dv.getInt16(252, true), dv.getInt16(254, true)], datatype: dv.getInt16(70, true), bytes };
}

/** An oblique, left-handed (qfac -1) test grid. */
function obliqueVolume(): Volume {
  const shape = [7, 6, 5];
  const data = new Int16Array(7 * 6 * 5).map((_, i) => i * 37 - 500);
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  return {
    data,
    shape,
    spacing: [0.7, 0.8, 2.5],
    affine: [
      [-0.7 * c, 0.8 * s, 0, 12.5],
      [-0.7 * s, -0.8 * c, 0, -30.25],
      [0, 0, -2.5, 7],
      [0, 0, 0, 1],
    ],
    dtype: 'int16',
    source: '',
  };
}

function nibabelFacts(file: string): { shape: number[]; affine: number[][]; qform: number[][]; codes: number[]; dtype: string; sha: string } {
  const script = [
    'import sys, json, hashlib, numpy as np, nibabel as nib',
    'img = nib.load(sys.argv[1])',
    'a = np.asarray(img.dataobj)',
    'raw = np.ascontiguousarray(a.T).astype(a.dtype.newbyteorder("<"), copy=False)',
    'h = img.header',
    'print(json.dumps({"shape": list(img.shape), "affine": img.affine.tolist(), "qform": h.get_qform().tolist(),',
    '  "codes": [int(h["qform_code"]), int(h["sform_code"])], "dtype": str(h.get_data_dtype().newbyteorder("=")),',
    '  "sha": hashlib.sha256(raw.tobytes()).hexdigest()}))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof nibabelFacts>;
}

function sha(data: ArrayBufferView): string {
  return crypto.createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

describe('writeNifti', () => {
  it('round-trips an oblique, left-handed grid through .nii.gz and .nii (same voxels, same affine, sform + qform set)', async () => {
    const v = obliqueVolume();
    for (const name of ['oblique.nii.gz', 'oblique.nii']) {
      const file = path.join(tmp, name);
      await writeNifti(file, v);
      const back = await readVolume(file);
      assert.deepEqual(back.shape, v.shape);
      assert.equal(back.dtype, 'int16');
      assert.deepEqual(back.data, v.data);
      close(back.affine, v.affine, 1e-5, 'affine');
      back.spacing.forEach((s, i) => assert.ok(Math.abs(s - v.spacing[i]) < 1e-6));
      const h = headerOf(file);
      assert.deepEqual(h.codes, [1, 1]);
      close(h.qform, v.affine, 1e-5, 'qform');
    }
  });

  it('casts a Float32 prediction to uint8 with rounding, and refuses values that do not fit', () => {
    const v = { ...obliqueVolume(), data: new Float32Array(210).map((_, i) => (i % 3) * 0.9999) };
    const file = path.join(tmp, 'pred.nii.gz');
    writeNiftiSync(file, v, { dtype: 'uint8', description: 'afl prediction' });
    const back = readVolumeSync(file);
    assert.equal(back.dtype, 'uint8');
    assert.ok(back.data instanceof Uint8Array);
    assert.deepEqual([...back.data.slice(0, 4)], [0, 1, 2, 0]);
    assert.equal(headerOf(file).bytes.toString('latin1', 148, 162), 'afl prediction');
    assert.throws(() => writeNiftiSync(file, { ...v, data: new Float32Array(210).fill(300) }, { dtype: 'uint8' }), /Error in writeNifti: value 300 at index 0 does not fit dtype uint8/);
  });

  it('checks its arguments', () => {
    const v = obliqueVolume();
    assert.throws(() => writeNiftiSync(path.join(tmp, 'x.mha'), v), /Error in writeNifti: path must end with \.nii or \.nii\.gz, got ".*x\.mha"/);
    assert.throws(() => writeNiftiSync(path.join(tmp, 'x.nii'), { ...v, data: new Int16Array(3) }), /volume.data has 3 values but shape 7x6x5 needs 210/);
    assert.throws(() => writeNiftiSync(path.join(tmp, 'x.nii'), { ...v, shape: [40000, 1, 1], data: new Uint8Array(40000) }), /shape\[0\] must be an integer 1..32767/);
    assert.throws(() => writeNiftiSync(path.join(tmp, 'x.nii'), { ...v, affine: [[1]] }), /affine must be a 4x4 array/);
    assert.throws(() => writeNiftiSync(path.join(tmp, 'no-such-dir', 'x.nii'), v), /Error in writeNifti: cannot write ".*no-such-dir.*x\.nii"/);
  });

  it('writes a mask over the PI-CAI t2w grid that reads back with the image affine', { skip: data.skip }, async () => {
    const image = await readVolume(path.join(dir!, 'picai-images/ProstateX-0000_07-07-2011_t2w.mha'));
    const lesion = await readVolume(path.join(dir!, 'picai-labels/lesion_human_expert_resampled/11373_1001396.nii.gz'));
    const file = path.join(tmp, 'ProstateX-0000_lesion.nii.gz');
    await writeNifti(file, { ...image, data: lesion.data }, { dtype: 'uint8' });
    const back = await readVolume(file);
    assert.deepEqual([...back.data], [...lesion.data]);
    close(back.affine, lesion.affine, 1e-4, 'affine vs the PI-CAI mask');
    // The qform stores (b, c, d) as float32; near-180-degree rotations lose ~1e-4 mm in a = sqrt(1 - b^2 - c^2 - d^2).
    close(headerOf(file).qform, lesion.affine, 1e-3, 'qform vs the PI-CAI mask');
  });

  it('writes files nibabel reads with the same shape, affine, qform, codes and voxels', { skip: hasNibabel ? false : NO_NIBABEL }, async () => {
    const v = obliqueVolume();
    const file = path.join(tmp, 'nibabel.nii.gz');
    await writeNifti(file, v);
    const nb = nibabelFacts(file);
    assert.deepEqual(nb.shape, v.shape);
    assert.equal(nb.dtype, 'int16');
    assert.deepEqual(nb.codes, [1, 1]);
    close(nb.affine, v.affine, 1e-5, 'nibabel affine');
    close(nb.qform, v.affine, 1e-5, 'nibabel qform');
    assert.equal(nb.sha, sha(v.data));
    if (dir) {
      const image = await readVolume(path.join(dir, 'picai-images/ProstateX-0000_07-07-2011_t2w.mha'));
      const t2w = path.join(tmp, 't2w.nii');
      writeNiftiSync(t2w, image);
      const nb2 = nibabelFacts(t2w);
      assert.deepEqual(nb2.shape, image.shape);
      assert.equal(nb2.dtype, 'uint16');
      assert.equal(nb2.sha, sha(image.data));
      close(nb2.affine, image.affine, 1e-4, 'nibabel affine of the t2w copy');
      close(nb2.qform, image.affine, 1e-3, 'nibabel qform of the t2w copy (float32 quaternion)');
    }
  });
});
