import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@afl/backend';
import type { CaseResult } from '../results/result-schema';
import { createLesionDetection } from './lesion-detection';

const SHAPE = [4, 12, 12];
const N = SHAPE[0] * SHAPE[1] * SHAPE[2];
const at = (d: number, h: number, w: number) => (d * SHAPE[1] + h) * SHAPE[2] + w;

/** A 2 x 4 x 4 = 32-voxel cube with its corner at (d, h, w). */
function cube(d: number, h: number, w: number): number[] {
  const out: number[] = [];
  for (let z = d; z < d + 2; z++) for (let y = h; y < h + 4; y++) for (let x = w; x < w + 4; x++) out.push(at(z, y, x));
  return out;
}

function evaluated(caseId: string, truth: number[], prob: Array<[number[], number]>) {
  const mask = new Float32Array(N);
  for (const i of truth) mask[i] = 1;
  const p = new Float32Array(N);
  for (const [voxels, v] of prob) for (const i of voxels) p[i] = v;
  const result = { caseId, split: 'val' } as CaseResult;
  return { result, image: tf.zeros([1, ...SHAPE, 1]), mask: tf.tensor(mask, [1, ...SHAPE, 1]), probabilities: tf.tensor(p, [1, ...SHAPE, 1]), maskData: mask, probabilityData: p };
}

describe('createLesionDetection', () => {
  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('adds lesion-wise counts to each case and scores PI-CAI metrics worked out by hand', async () => {
    const det = createLesionDetection({ picai: true });
    // a: its lesion found with confidence 0.9; b: its lesion missed; c: no lesion, a false candidate at 0.6.
    const cases = [
      evaluated('a', cube(0, 0, 0), [[cube(0, 0, 0), 0.9]]),
      evaluated('b', cube(1, 6, 6), []),
      evaluated('c', [], [[cube(2, 6, 0), 0.6]]),
    ];
    for (const c of cases) await det.onCase(c);
    assert.deepEqual(cases[0].result.lesions, { truth: 1, predicted: 1, detected: 1, missed: 0, falsePositives: 0, f1: 1 });
    assert.deepEqual(cases[1].result.lesions, { truth: 1, predicted: 0, detected: 0, missed: 1, falsePositives: 0, f1: 0 });
    assert.deepEqual(cases[2].result.lesions, { truth: 0, predicted: 1, detected: 0, missed: 0, falsePositives: 1, f1: 0 });
    const m = det.picai();
    assert.ok(m);
    // PR over lesions: 0.9 -> (P 1, R 1/2); 0.6 -> (P 1/2, R 1/2): AP = 1/2. Cases: positives 0.9 and 0, negative 0.6:
    // AUROC = P(positive > negative) = 1/2. Score = 1/2.
    assert.ok(Math.abs(m.ap - 0.5) < 1e-12, `AP ${m.ap}`);
    assert.ok(Math.abs(m.auroc - 0.5) < 1e-12, `AUROC ${m.auroc}`);
    assert.ok(Math.abs(m.score - 0.5) < 1e-12);
    assert.deepEqual([m.numCases, m.numPositiveCases, m.numLesions, m.candidates], [3, 2, 2, 'dynamic']);
    for (const c of cases) tf.dispose([c.image, c.mask, c.probabilities]);
  });

  it('keeps no PI-CAI metrics for other datasets, and none for test cases', async () => {
    const brats = createLesionDetection({ picai: false });
    const c = evaluated('x', cube(0, 0, 0), [[cube(0, 0, 0), 0.9]]);
    await brats.onCase(c);
    assert.equal(c.result.lesions?.detected, 1);
    assert.equal(brats.picai(), undefined);
    const testOnly = createLesionDetection({ picai: true });
    c.result.split = 'test';
    await testOnly.onCase(c);
    assert.equal(testOnly.picai(), undefined);
    tf.dispose([c.image, c.mask, c.probabilities]);
  });
});
