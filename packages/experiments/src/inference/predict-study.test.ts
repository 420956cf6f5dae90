import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@afl/backend';
import { readVolume, type Volume } from '@afl/datasets';
import { sharedForTest } from '@afl/core/testing';
import { createModel } from '@afl/models';
import { predictStudy, preprocessStudy, toStudyGrid, type StudyModel } from './predict-study';
import { summarizeLesions, voxelVolumeMm3 } from './lesion-summary';

const SHARED = sharedForTest('data').path; // throws under CI when absent
const NO_SHARED = 'the shared test data (../shared/data) is absent';
const CASE = '11373_1001396'; // PI-CAI id of the shared ProstateX-0000 study: its masks are on the T2W grid
const image = (seq: string) => path.join(SHARED ?? '', 'picai-images', `ProstateX-0000_07-07-2011_${seq}.mha`);
const STUDY = ['t2w', 'adc', 'hbv'].map(image);
const LESION = path.join(SHARED ?? '', 'picai-labels', 'lesion_human_expert_resampled', `${CASE}.nii.gz`);
const GLAND = path.join(SHARED ?? '', 'picai-labels', 'whole_gland_AI_Bosma22b', `${CASE}.nii.gz`);
const PYTHON = '/usr/bin/python3';
const hasNibabel = spawnSync(PYTHON, ['-c', 'import nibabel'], { encoding: 'utf8' }).status === 0;

function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] > 0.5 ? 1 : 0;
    const q = b[i] !== 0 ? 1 : 0;
    inter += p & q;
    na += p;
    nb += q;
  }
  return (2 * inter) / (na + nb);
}

function tinyModel(inChannels: number): StudyModel {
  const roi = [8, 32, 32];
  const model = createModel('unet', { spatialDims: 3, inChannels, outChannels: 1, inputShape: roi, channels: [2, 4], strides: [[2, 2, 2]] });
  return { model, dataset: 'picai', pipeline: 'paper', outputShape: [12, 40, 32], roiSize: roi, label: 'tiny' };
}

describe('predictStudy on the shared PI-CAI study', { skip: SHARED ? false : NO_SHARED }, () => {
  let t2w: Volume;
  let lesion: Volume;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-predict-'));
  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    t2w = await readVolume(STUDY[0]);
    lesion = await readVolume(LESION);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('inverts the paper pipeline: a lesion the preprocessing keeps lands back on its voxels of the T2W grid', async () => {
    const [adc, hbv, gland] = await Promise.all([readVolume(STUDY[1]), readVolume(STUDY[2]), readVolume(GLAND)]);
    const c = preprocessStudy({ dataset: 'picai', pipeline: 'paper', outputShape: [24, 160, 128] }, { id: CASE, channels: { t2w, adc, hbv }, label: lesion, organ: gland }, []);
    assert.deepEqual(c.shape, [24, 160, 128]);
    assert.ok(c.mask.reduce((s, v) => s + v, 0) > 100, 'the lesion survives preprocessing');
    const back = toStudyGrid(c.mask, c, t2w, 'nearest');
    assert.deepEqual(back.shape, t2w.shape);
    assert.deepEqual(back.affine, t2w.affine);
    // 0.5 mm -> 24 x 160 x 128 crop -> 0.5 mm: a 414-voxel lesion comes back with Dice 0.94 (measured), not exactly.
    assert.ok(dice(back.data, lesion.data) > 0.9, `round-trip Dice ${dice(back.data, lesion.data)}`);
    // Outside the crop the network saw there is no prediction: the corners of the T2W grid are 0.
    assert.equal(back.data[0], 0);
    assert.equal(back.data[back.data.length - 1], 0);
    const linear = toStudyGrid(c.mask, c, t2w, 'linear');
    assert.ok(dice(linear.data, lesion.data) > 0.9);
  });

  it('writes the mask and probabilities with the T2W shape and affine (nibabel) and summarises the lesions', { skip: hasNibabel ? false : 'nibabel is not importable by /usr/bin/python3' }, async () => {
    const spec = tinyModel(3);
    const p = await predictStudy(spec, STUDY, { gland: GLAND, n4Channels: [] });
    spec.model.dispose();
    assert.deepEqual(p.mask.shape, [384, 384, 19]);
    assert.equal(p.mask.dtype, 'uint8');
    assert.deepEqual(p.preprocessed.shape, [12, 40, 32]);
    const { writeNifti } = await import('@afl/datasets');
    const maskFile = path.join(tmp, 'mask.nii.gz');
    const probFile = path.join(tmp, 'prob.nii.gz');
    await writeNifti(maskFile, p.mask, { dtype: 'uint8' });
    await writeNifti(probFile, p.probabilities, { dtype: 'float32' });
    const py = spawnSync(PYTHON, ['-c', `
import json, sys, nibabel as nib, numpy as np
m, q, ref = (nib.load(f) for f in sys.argv[1:4])
print(json.dumps({"shape": list(m.shape), "pshape": list(q.shape), "dtype": str(m.get_data_dtype()), "pdtype": str(q.get_data_dtype()),
  "affine": m.affine.tolist(), "paffine": q.affine.tolist(), "ref": ref.affine.tolist(), "refshape": list(ref.shape),
  "values": sorted(set(np.unique(np.asarray(m.dataobj)).tolist())), "pmax": float(np.asarray(q.dataobj).max())}))
`, maskFile, probFile, LESION], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const r = JSON.parse(py.stdout) as Record<string, unknown> & { affine: number[][]; paffine: number[][]; ref: number[][] };
    assert.deepEqual(r.shape, r.refshape);
    assert.deepEqual(r.pshape, r.refshape);
    assert.equal(r.dtype, 'uint8');
    assert.equal(r.pdtype, 'float32');
    for (const a of [r.affine, r.paffine]) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          assert.ok(Math.abs(a[i][j] - t2w.affine[i][j]) <= 1e-4, `affine[${i}][${j}] ${a[i][j]} vs the T2W's ${t2w.affine[i][j]}`);
          // picai_labels' NIfTI of the same grid agrees with the MetaImage geometry to 1e-4 mm (shared data README).
          assert.ok(Math.abs(a[i][j] - r.ref[i][j]) <= 2e-4, `affine[${i}][${j}] ${a[i][j]} vs the lesion mask's ${r.ref[i][j]}`);
        }
      }
    }
    assert.ok((r.values as number[]).every((v) => v === 0 || v === 1));
    assert.ok((r.pmax as number) > 0 && (r.pmax as number) <= 1);
    const expected = summarizeLesions(p.mask);
    assert.deepEqual(p.lesions, expected);
  });

  it('rejects files that do not make one study, before computing', async () => {
    const spec = tinyModel(3);
    await assert.rejects(predictStudy(spec, STUDY.slice(0, 2)), /the model expects 3 \(t2w, adc, hbv\) image files, one per input channel, got 2/);
    await assert.rejects(predictStudy(spec, [STUDY[1], STUDY[0], STUDY[2]]), /in the order t2w, adc, hbv, got adc, t2w, hbv/);
    // Another patient's ADC: the same file with another DICOM patient ID (same length, so the header stays valid).
    const other = path.join(tmp, 'ProstateX-0000_07-07-2011_adc.mha');
    const bytes = fs.readFileSync(STUDY[1]);
    const at = bytes.indexOf('0010|0020 = ProstateX-0000');
    assert.ok(at > 0);
    bytes.write('0010|0020 = ProstateX-0001', at, 'latin1');
    fs.writeFileSync(other, bytes);
    await assert.rejects(predictStudy(spec, [STUDY[0], other, STUDY[2]]), /different patients \(DICOM patient ID\).*ProstateX-0001/);
    const renamed = path.join(tmp, 'ProstateX-0099_01-01-2012_hbv.mha');
    fs.copyFileSync(STUDY[2], renamed);
    const noTags = path.join(tmp, 'ProstateX-0000_07-07-2011_t2w.nii.gz');
    const { writeNifti } = await import('@afl/datasets');
    await writeNifti(noTags, t2w, { dtype: 'float32' });
    const adcNifti = path.join(tmp, 'ProstateX-0000_07-07-2011_adc.nii.gz');
    await writeNifti(adcNifti, await readVolume(STUDY[1]), { dtype: 'float32' });
    const hbvNifti = path.join(tmp, 'ProstateX-0099_01-01-2012_hbv.nii.gz');
    await writeNifti(hbvNifti, await readVolume(renamed), { dtype: 'float32' });
    await assert.rejects(predictStudy(spec, [noTags, adcNifti, hbvNifti]), /different studies .*"ProstateX-0099_01-01-2012"/);
    spec.model.dispose();
    const brats = tinyModel(4);
    await assert.rejects(predictStudy(brats, STUDY), /the model expects 4 image files, one per input channel, got 3/);
    brats.model.dispose();
    await assert.rejects(predictStudy(tinyModel(3), [path.join(tmp, 'nope_t2w.mha'), STUDY[1], STUDY[2]]), /nope_t2w\.mha/);
  });
});

describe('summarizeLesions', () => {
  it('counts 26-connected lesions and measures them with the affine', () => {
    const shape = [6, 5, 4]; // file order x, y, z
    const data = new Uint8Array(6 * 5 * 4);
    const at = (x: number, y: number, z: number) => x + 6 * (y + 5 * z);
    for (const [x, y, z] of [[0, 0, 0], [1, 1, 1], [2, 2, 1]]) data[at(x, y, z)] = 1; // diagonal neighbours: one lesion
    data[at(5, 4, 3)] = 1; // a second, single voxel
    const affine = [[0.5, 0, 0, 10], [0, 0.5, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]];
    const s = summarizeLesions({ data, shape, spacing: [0.5, 0.5, 3], affine, dtype: 'uint8', source: '' });
    assert.equal(voxelVolumeMm3(affine), 0.75);
    assert.equal(s.count, 2);
    assert.deepEqual(s.lesions.map((l) => l.voxels), [3, 1]);
    assert.equal(s.volumeMm3, 3);
    assert.equal(s.largestMm3, 2.25);
  });
});
