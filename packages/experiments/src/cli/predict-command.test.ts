import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { readVolume } from '@afl/datasets';
import { sharedForTest } from '@afl/core/testing';

const CLI = path.join(__dirname, '..', 'cli.js');
const SHARED = sharedForTest('data').path; // throws under CI when absent
const afl = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, AFL_BACKEND: process.env.AFL_BACKEND ?? 'wasm' } });

describe('afl predict on the shared PI-CAI study', { skip: SHARED ? false : 'the shared test data (../shared/data) is absent' }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-predict-cli-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const study = ['t2w', 'adc', 'hbv'].map((s) => path.join(SHARED ?? '', 'picai-images', `ProstateX-0000_07-07-2011_${s}.mha`));
  const labels = path.join(SHARED ?? '', 'picai-labels');

  it('trains a smoke cell, then writes the mask, probabilities and overlay of the study on its T2W grid', async () => {
    const train = afl(['train', '--model', 'unet', '--loss', 'dice', '--profile', 'smoke', '--epochs', '1', '--out', tmp]);
    assert.equal(train.status, 0, train.stderr.slice(-2000));
    const cell = path.join(tmp, 'cells', fs.readdirSync(path.join(tmp, 'cells')).find((f) => f.endsWith('.json'))!);
    const out = path.join(tmp, 'pred', 'mask.nii.gz');
    const r = afl([
      'predict', ...study, '--cell', cell, '--out', out,
      '--probabilities', path.join(tmp, 'pred', 'prob.nii.gz'),
      '--png', path.join(tmp, 'pred', 'overlay.png'),
      '--gland', path.join(labels, 'whole_gland_AI_Bosma22b', '11373_1001396.nii.gz'),
      '--truth', path.join(labels, 'lesion_human_expert_resampled', '11373_1001396.nii.gz'),
    ]);
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /ProstateX-0000_07-07-2011_t2w\.mha: \d+ lesions?, [\d.]+ mm³ in all/);
    assert.match(r.stderr, /grid 384 x 384 x 19/);
    const [mask, t2w] = await Promise.all([readVolume(out), readVolume(study[0])]);
    assert.deepEqual(mask.shape, t2w.shape);
    assert.equal(mask.dtype, 'uint8');
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(mask.affine[i][j] - t2w.affine[i][j]) <= 1e-4);
    const prob = await readVolume(path.join(tmp, 'pred', 'prob.nii.gz'));
    assert.equal(prob.dtype, 'float32');
    let agree = 0;
    for (let i = 0; i < mask.data.length; i++) if ((prob.data[i] > 0.5 ? 1 : 0) === mask.data[i]) agree++;
    assert.equal(agree, mask.data.length, 'the mask is the probabilities above 0.5');
    const png = PNG.sync.read(fs.readFileSync(path.join(tmp, 'pred', 'overlay.png')));
    assert.ok(png.width > 3 * 384 && png.height > 384, `overlay ${png.width} x ${png.height}`);
  });

  it('exits 2 with one line for a missing file or flag, and 1 with the reason for a study that does not fit the model', () => {
    const missing = afl(['predict', path.join(tmp, 'none_t2w.mha'), '--cell', 'x.json', '--out', path.join(tmp, 'm.nii.gz')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /none_t2w\.mha: no such file/);
    const noOut = afl(['predict', ...study, '--cell', 'x.json']);
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /usage afl predict <t2w> \[<adc> <hbv>\] --cell FILE --out mask\.nii\.gz/);
    const cell = path.join(tmp, 'cells', fs.readdirSync(path.join(tmp, 'cells')).find((f) => f.endsWith('.json'))!);
    const two = afl(['predict', ...study.slice(0, 2), '--cell', cell, '--out', path.join(tmp, 'm.nii.gz')]);
    assert.notEqual(two.status, 0);
    assert.match(two.stderr, /the model expects 3 \(t2w, adc, hbv\) image files, one per input channel, got 2/);
  });
});
