import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { labelComponents26, Shape3d } from './connected-components';
import { extractLesionCandidates, numpyRound } from './extract-lesion-candidates';
import { evaluatePicaiCase } from './evaluate-case';
import { evaluatePicai, frocSensitivityAt, PicaiCase } from './evaluate-picai';
import { linearSumAssignment } from './linear-sum-assignment';
import { lesionWiseF1 } from './lesion-wise-f1';
import { precisionRecallCurve, rocCurve, trapezoidAuc } from './ranking-curves';

/** A zero volume of `shape` with boxes `[z, y, x, dz, dy, dx, value]` painted in. */
function volume(shape: Shape3d, boxes: number[][]): Float32Array {
  const [, h, w] = shape;
  const out = new Float32Array(shape[0] * h * w);
  for (const [z0, y0, x0, dz, dy, dx, value] of boxes) {
    for (let z = z0; z < z0 + dz; z++) for (let y = y0; y < y0 + dy; y++) for (let x = x0; x < x0 + dx; x++) out[(z * h + y) * w + x] = value;
  }
  return out;
}

function near(a: number, b: number, tol = 1e-12, what = ''): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: got ${a}, expected ${b}`);
}

describe('labelComponents26', () => {
  it('joins voxels touching at a corner and numbers components by their first voxel in raster order', () => {
    const shape: Shape3d = [3, 4, 4];
    // component X: (0,0,3) and (1,1,2) touch at a corner; component Y starts at (0,2,0), after X's first voxel
    const m = volume(shape, [[0, 0, 3, 1, 1, 1, 1], [1, 1, 2, 1, 1, 1, 1], [0, 2, 0, 1, 1, 1, 1], [2, 3, 0, 1, 1, 2, 1]]);
    const { labels, count, sizes } = labelComponents26(Uint8Array.from(m), shape);
    assert.equal(count, 3);
    assert.deepEqual(sizes, [2, 1, 2]);
    assert.equal(labels[3], 1);
    assert.equal(labels[(1 * 4 + 1) * 4 + 2], 1);
    assert.equal(labels[(0 * 4 + 2) * 4 + 0], 2);
    assert.equal(labels[(2 * 4 + 3) * 4 + 1], 3);
  });

  it('labels a large volume without recursion', () => {
    const shape: Shape3d = [24, 160, 128];
    const { count, sizes } = labelComponents26(new Uint8Array(24 * 160 * 128).fill(1), shape);
    assert.equal(count, 1);
    assert.equal(sizes[0], 24 * 160 * 128);
  });
});

describe('linearSumAssignment', () => {
  const permutations = (k: number, n: number): number[][] => {
    if (k === 0) return [[]];
    const out: number[][] = [];
    for (const p of permutations(k - 1, n)) for (let j = 0; j < n; j++) if (!p.includes(j)) out.push([...p, j]);
    return out;
  };
  it('finds the maximum-weight assignment of random rectangular matrices (brute force check)', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 60; trial++) {
      const nr = 1 + (trial % 4);
      const nc = 1 + ((trial >> 2) % 4);
      const m = Array.from({ length: nr }, () => Array.from({ length: nc }, () => (rand() < 0.4 ? 0 : 1 + rand())));
      const { rows, cols } = linearSumAssignment(m, true);
      assert.equal(rows.length, Math.min(nr, nc));
      assert.deepEqual([...rows].sort((a, b) => a - b), rows, 'rows sorted');
      const got = rows.reduce((s, r, k) => s + m[r][cols[k]], 0);
      let best = -Infinity;
      if (nr <= nc) for (const p of permutations(nr, nc)) best = Math.max(best, p.reduce((s, c, r) => s + m[r][c], 0));
      else for (const p of permutations(nc, nr)) best = Math.max(best, p.reduce((s, r, c) => s + m[r][c], 0));
      near(got, best, 1e-12, `trial ${trial}`);
    }
  });
  it('minimises by default and handles empty matrices', () => {
    assert.deepEqual(linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]), { rows: [0, 1, 2], cols: [1, 0, 2] });
    assert.deepEqual(linearSumAssignment([]), { rows: [], cols: [] });
    assert.throws(() => linearSumAssignment([[1, NaN]]), /Error in linearSumAssignment: cost must hold finite numbers/);
  });
});

describe('ranking curves (scikit-learn semantics)', () => {
  it('precision_recall_curve, roc_curve with dropped intermediate points, auc', () => {
    const y = [1, 0, 1, 1, 0, 0];
    const s = [0.9, 0.8, 0.7, 0.7, 0.3, 0.1];
    const pr = precisionRecallCurve(y, s);
    assert.deepEqual(pr.thresholds, [0.1, 0.3, 0.7, 0.8, 0.9]);
    assert.deepEqual(pr.precision, [0.5, 0.6, 0.75, 0.5, 1, 1]);
    assert.deepEqual(pr.recall, [1, 1, 1, 1 / 3, 1 / 3, 0]);
    const roc = rocCurve(y, s);
    // sklearn: fpr [0, 0, 1/3, 1/3, 1], tpr [0, 1/3, 1/3, 1, 1] (the point at 0.3 is collinear and dropped)
    assert.deepEqual(roc.fpr, [0, 0, 1 / 3, 1 / 3, 1]);
    assert.deepEqual(roc.tpr, [0, 1 / 3, 1 / 3, 1, 1]);
    near(trapezoidAuc(roc.fpr, roc.tpr), 7 / 9);
    assert.ok(Number.isNaN(trapezoidAuc(rocCurve([1, 1], [0.2, 0.4]).fpr, rocCurve([1, 1], [0.2, 0.4]).tpr)));
  });
});

describe('extractLesionCandidates', () => {
  const shape: Shape3d = [2, 8, 8];
  it('static threshold: drops components of <= minVoxelsDetection voxels, fills the others with their max', () => {
    // 10-voxel box at 0.6 (dropped), 12-voxel box at 0.3 with one voxel at 0.5 (kept, confidence 0.5)
    const prob = volume(shape, [[0, 0, 0, 1, 2, 5, 0.6], [0, 4, 0, 2, 2, 3, 0.3], [1, 5, 2, 1, 1, 1, 0.5]]);
    const r = extractLesionCandidates({ data: prob, shape }, { threshold: 0.1 });
    assert.deepEqual(r.confidences, [{ index: 2, confidence: Math.fround(0.5) }]);
    assert.equal(r.candidates.data.filter((v) => v === Math.fround(0.5)).length, 12);
    assert.equal(r.candidates.data.filter((v) => v !== 0).length, 12);
    assert.equal(r.labels.filter((v) => v === 2).length, 12);
    // with minVoxelsDetection 9 both are kept
    const r9 = extractLesionCandidates({ data: prob, shape }, { threshold: 0.1, minVoxelsDetection: 9 });
    assert.deepEqual(r9.confidences.map((c) => c.index), [1, 2]);
  });

  it("'dynamic-fast' thresholds at max / 2.5 (float32), 'dynamic' extracts peaks one by one", () => {
    const prob = volume(shape, [
      [0, 0, 0, 2, 3, 3, 0.2], // 18 voxels at 0.2 around ...
      [1, 1, 1, 1, 1, 1, 0.9], // ... a 0.9 peak
      [0, 5, 4, 2, 3, 3, 0.5], // a second blob at 0.5 (18 voxels, first in raster order)
    ]);
    // threshold 0.36: the peak alone is 1 voxel (label 2, dropped); the 0.5 blob (label 1) is kept
    assert.deepEqual(extractLesionCandidates({ data: prob, shape }).confidences, [{ index: 1, confidence: Math.fround(0.5) }]);
    // 'dynamic': the 0.5 blob first; then only the 1-voxel peak is above 0.36, so (version 1) the whole volume
    // becomes the "candidate", is skipped as adjacent to the stored one, and extraction ends
    const dynamic = extractLesionCandidates({ data: prob, shape }, { threshold: 'dynamic' });
    assert.deepEqual(dynamic.confidences, [{ index: 1, confidence: Math.fround(0.5) }]);
    assert.equal(dynamic.labels.filter((v) => v === 1).length, 18);
    // 'dynamic-v2' clears the peak instead and finds the 0.2 ring (17 voxels) around it
    const v2first = extractLesionCandidates({ data: prob, shape }, { threshold: 'dynamic-v2' });
    assert.deepEqual(v2first.confidences, [{ index: 1, confidence: Math.fround(0.5) }, { index: 2, confidence: Math.fround(0.2) }]);
    assert.equal(v2first.labels.filter((v) => v === 2).length, 17);
    // with the second blob at 0.3 (< 0.36) nothing above the first threshold is big enough
    const low = volume(shape, [[0, 0, 0, 2, 3, 3, 0.2], [1, 1, 1, 1, 1, 1, 0.9], [0, 5, 4, 2, 3, 3, 0.3]]);
    assert.deepEqual(extractLesionCandidates({ data: low, shape }).confidences, []);
    // version 1 then records an empty candidate of confidence 0 and stops (RGA's quirk) ...
    const v1 = extractLesionCandidates({ data: low, shape }, { threshold: 'dynamic' });
    assert.deepEqual(v1.confidences, [{ index: 1, confidence: 0 }]);
    assert.equal(v1.candidates.data.some((v) => v !== 0), false);
    // ... version 2 clears the too-small peak and goes on: the 0.3 blob, then the 0.2 ring
    const v2 = extractLesionCandidates({ data: low, shape }, { threshold: 'dynamic-v2' });
    assert.deepEqual(v2.confidences, [{ index: 1, confidence: Math.fround(0.3) }, { index: 2, confidence: Math.fround(0.2) }]);
  });

  it('rounds confidences with numpy semantics when asked', () => {
    assert.equal(numpyRound(0.12345, 4), 0.1234); // 1234.5 -> half to even
    assert.equal(numpyRound(2.5, 0), 2);
    assert.equal(numpyRound(0.27799999713897705, 3), 0.278);
    const prob = volume(shape, [[0, 0, 0, 2, 3, 3, 0.123456]]);
    const r = extractLesionCandidates({ data: prob, shape }, { threshold: 0.1, maxProbRoundDecimals: 2 });
    assert.equal(r.confidences[0].confidence, 0.12);
    assert.equal(r.candidates.data[0], Math.fround(0.12));
  });

  it('accepts a TF.js tensor (read asynchronously) and gives the same result', async () => {
    const prob = volume(shape, [[0, 0, 0, 2, 3, 3, 0.7], [0, 5, 4, 2, 3, 3, 0.4]]);
    const t = tf.tensor(prob, [1, ...shape, 1]);
    const fromTensor = await extractLesionCandidates(t, { threshold: 'dynamic' });
    t.dispose();
    const fromArray = extractLesionCandidates({ data: prob, shape }, { threshold: 'dynamic' });
    assert.deepEqual(fromTensor.confidences, fromArray.confidences);
    assert.deepEqual(Array.from(fromTensor.candidates.data), Array.from(fromArray.candidates.data));
    assert.equal(fromArray.confidences.length, 2);
  });

  it('rejects bad input with clear messages', () => {
    assert.throws(() => extractLesionCandidates({ data: new Float32Array(10), shape: [2, 8, 8] }), /Error in extractLesionCandidates: prob: data length must equal D \* H \* W = 128/);
    assert.throws(() => extractLesionCandidates({ data: new Float32Array(4), shape: [4] }), /Error in extractLesionCandidates: prob must be \[D, H, W\]/);
    assert.throws(
      () => extractLesionCandidates({ data: new Float32Array(128), shape }, { threshold: 'otsu' as 'dynamic' }),
      /Error in extractLesionCandidates: unsupported threshold "otsu"/,
    );
    assert.throws(() => extractLesionCandidates({ data: new Float32Array(128).fill(NaN), shape }), /must not contain NaN/);
  });

  it("handles a 24x160x128 map in 'dynamic' mode quickly", () => {
    const big: Shape3d = [24, 160, 128];
    const n = 24 * 160 * 128;
    const data = new Float32Array(n);
    const peaks = [[12, 40, 40, 0.9, 3], [8, 100, 80, 0.7, 4], [16, 60, 100, 0.5, 2.5], [5, 130, 30, 0.35, 3], [18, 20, 110, 0.3, 2], [10, 80, 64, 0.25, 5]];
    let seed = 7;
    for (let z = 0; z < 24; z++) {
      for (let y = 0; y < 160; y++) {
        for (let x = 0; x < 128; x++) {
          let v = 0;
          for (const [cz, cy, cx, p, s] of peaks) {
            const d = ((z - cz) / s) ** 2 + ((y - cy) / (2 * s)) ** 2 + ((x - cx) / (2 * s)) ** 2;
            v = Math.max(v, p * Math.exp(-0.5 * d));
          }
          seed = (seed * 1103515245 + 12345) % 2147483648;
          data[(z * 160 + y) * 128 + x] = Math.min(1, v + 0.02 * (seed / 2147483648));
        }
      }
    }
    const t0 = performance.now();
    const r = extractLesionCandidates({ data, shape: big }, { threshold: 'dynamic' });
    const ms = performance.now() - t0;
    console.log(`[picai] 'dynamic' extraction on 24x160x128: ${ms.toFixed(0)} ms, ${r.confidences.length} candidates`);
    assert.equal(r.confidences.length, 5);
    assert.deepEqual(r.confidences.map((c) => Math.round(c.confidence * 20) / 20), [0.9, 0.7, 0.5, 0.35, 0.3]);
  });
});

describe('evaluatePicai on hand-computed cases', () => {
  const shape: Shape3d = [4, 10, 10];
  // case "a": two GT cubes; a candidate exactly on the first (TP, IoU 1, 0.75) and one elsewhere (FP, 0.25)
  const caseA: PicaiCase = {
    id: 'a',
    truth: volume(shape, [[0, 0, 0, 2, 2, 2, 1], [2, 6, 6, 2, 2, 2, 1]]),
    detection: volume(shape, [[0, 0, 0, 2, 2, 2, 0.75], [0, 6, 0, 2, 2, 2, 0.25]]),
    shape,
  };
  // case "b": no lesion, one FP candidate at 0.5
  const caseB: PicaiCase = { id: 'b', truth: new Uint8Array(400), detection: volume(shape, [[1, 4, 4, 2, 2, 2, 0.5]]), shape };

  it('lesion tables, AP, AUROC, PR, ROC and FROC by hand', () => {
    const m = evaluatePicai([caseB, caseA]);
    assert.deepEqual(m.ids, ['a', 'b']);
    assert.deepEqual(m.lesions, [
      [{ isLesion: 1, confidence: 0.75, overlap: 1 }, { isLesion: 1, confidence: 0, overlap: 0 }, { isLesion: 0, confidence: 0.25, overlap: 0 }],
      [{ isLesion: 0, confidence: 0.5, overlap: 0 }],
    ]);
    assert.deepEqual(m.casePred, [0.75, 0.5]);
    assert.deepEqual(m.caseTarget, [1, 0]);
    assert.equal(m.numCases, 2);
    assert.equal(m.numLesions, 2);
    // thresholds 0.75 / 0.5 / 0.25 / 0: (P, R) = (1, 1/2), (1/2, 1/2), (1/3, 1/2), (precision forced to 0, 1)
    // AP = 1/2 * 1 + 0 + 0 + 1/2 * 0 = 0.5
    near(m.ap, 0.5);
    assert.deepEqual(m.precision, [0, 1 / 3, 0.5, 1, 1]);
    assert.deepEqual(m.recall, [1, 0.5, 0.5, 0.5, 0]);
    near(m.auroc, 1);
    near(m.score, 0.75);
    assert.deepEqual(m.thresholds, [0.75, 0.5, 0.25, 0]);
    assert.deepEqual(m.frocTp, [1, 1, 1, 1]);
    assert.deepEqual(m.frocFp, [0, 1, 2, Infinity]);
    assert.deepEqual(m.frocSensitivity, [0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(m.frocFpPerCase, [0, 0.5, 1, Infinity]);
    assert.equal(frocSensitivityAt(m, 0.5), 0.5);
    assert.equal(frocSensitivityAt(m, -1), 0);
  });

  it('bayesian case confidence is 1 - prod(1 - c)', () => {
    const m = evaluatePicai([caseA, caseB], { caseConfidence: 'bayesian' });
    assert.deepEqual(m.casePred, [1 - 0.25 * 0.75, 0.5]);
  });

  it('a case weight of 0 removes the case from the PR and ROC curves', () => {
    const caseC: PicaiCase = { id: 'c', truth: volume(shape, [[0, 0, 0, 2, 2, 2, 1]]), detection: volume(shape, [[0, 6, 6, 2, 2, 2, 0.875]]), shape };
    const weighted = evaluatePicai([caseA, caseB, caseC], { sampleWeight: [1, 1, 0] });
    const without = evaluatePicai([caseA, caseB]);
    near(weighted.ap, without.ap);
    near(weighted.auroc, without.auroc);
    assert.equal(weighted.numLesions, 3); // counts stay unweighted
  });

  it('split candidates: the larger overlap wins; the other is dropped, or an FP when unmatched candidates count', () => {
    const s: Shape3d = [1, 4, 10];
    const truth = volume(s, [[0, 0, 0, 1, 2, 8, 1]]); // 16 voxels
    const detection = volume(s, [[0, 0, 0, 1, 2, 5, 0.5], [0, 0, 6, 1, 2, 3, 0.875]]); // IoU 10/16 and 4/18
    const byDefault = evaluatePicaiCase(detection, truth, s);
    assert.equal(byDefault.lesions.length, 1);
    assert.equal(byDefault.lesions[0].confidence, 0.5);
    near(byDefault.lesions[0].overlap, (10 + 1e-8) / (16 + 1e-8), 1e-15);
    const strict = evaluatePicaiCase(detection, truth, s, { allowUnmatchedCandidatesWithMinimalOverlap: false });
    assert.deepEqual(strict.lesions.map((r) => [r.isLesion, r.confidence]), [[1, 0.5], [0, 0.875]]);
  });

  it("'dsc' can turn a low-IoU candidate into a hit", () => {
    const s: Shape3d = [1, 1, 17];
    const truth = volume(s, [[0, 0, 0, 1, 1, 9, 1]]);
    const detection = volume(s, [[0, 0, 8, 1, 1, 9, 0.5]]); // intersection 1: IoU 1/17, DSC 2/18
    assert.deepEqual(evaluatePicaiCase(detection, truth, s).lesions.map((r) => r.isLesion).sort(), [0, 1]);
    const dsc = evaluatePicaiCase(detection, truth, s, { overlapFunction: 'dsc' });
    assert.equal(dsc.lesions.length, 1);
    near(dsc.lesions[0].overlap, (2 + 1e-8) / (18 + 1e-8), 1e-15);
  });

  it('postprocess extracts candidates from softmax maps', () => {
    const softmax = volume(shape, [[0, 0, 0, 2, 2, 3, 0.6], [0, 0, 0, 1, 1, 1, 0.8]]);
    const truth = volume(shape, [[0, 0, 0, 2, 2, 3, 1]]);
    assert.throws(() => evaluatePicai([{ id: 's', detection: softmax, truth, shape }]), /case "s": the detection map has 1 connected candidates but 2 distinct non-zero values; it looks like a softmax map/);
    const m = evaluatePicai([{ id: 's', detection: softmax, truth, shape }], { postprocess: { threshold: 0.1 } });
    assert.deepEqual(m.lesions[0], [{ isLesion: 1, confidence: Math.fround(0.8), overlap: 1 }]);
    const f = evaluatePicai([{ id: 's', detection: softmax, truth, shape }], { postprocess: (d) => d.map((v) => (v > 0 ? 0.5 : 0)) });
    assert.equal(f.lesions[0][0].confidence, 0.5);
  });

  it('rejects bad input with messages naming the case', () => {
    const bad = (cases: PicaiCase[], opts = {}): (() => unknown) => () => evaluatePicai(cases, opts);
    assert.throws(bad([{ ...caseA, detection: new Float32Array(399) }]), /^Error: Error in evaluatePicai: case "a": detection: data length must equal D \* H \* W = 400 for shape \[4, 10, 10\], got 399\.$/);
    assert.throws(bad([{ ...caseA, truth: new Uint8Array(10) }]), /Error in evaluatePicai: case "a": truth: data length must equal/);
    assert.throws(bad([{ ...caseA, shape: [4, 10] }]), /Error in evaluatePicai: case "a": detection: shape must be \[D, H, W\]/);
    assert.throws(bad([caseA, { ...caseB, id: 'a' }]), /Error in evaluatePicai: case ids must be unique, got "a" twice\./);
    assert.throws(bad([{ ...caseB, detection: volume(shape, [[0, 0, 0, 1, 1, 1, -0.5]]) }]), /Error in evaluatePicai: case "b": all detection confidences must be >= 0, got -0\.5/);
    assert.throws(bad([caseA, caseB], { sampleWeight: [1] }), /Error in evaluatePicai: sampleWeight must have one weight per case \(2\), got 1\./);
    assert.throws(bad([]), /Error in evaluatePicai: cases must hold at least one case, got 0\./);
    assert.throws(bad([caseA], { overlapFunction: 'IoU' }), /Error in evaluatePicai: unsupported overlapFunction "IoU"/);
  });

  it('gives NaN where picai_eval has no answer: no rows at all, one class of cases', () => {
    const empty = evaluatePicai([{ id: 'e', truth: new Uint8Array(400), detection: new Float32Array(400), shape }]);
    assert.ok(Number.isNaN(empty.ap));
    assert.ok(Number.isNaN(empty.auroc));
    assert.deepEqual(empty.frocTp, [0, 0]);
    assert.deepEqual(empty.frocFp, [0, Infinity]);
  });
});

describe('lesionWiseF1', () => {
  const shape: Shape3d = [2, 8, 8];
  const truth = volume(shape, [[0, 0, 0, 2, 2, 2, 1], [0, 5, 5, 2, 2, 2, 1], [0, 0, 5, 1, 1, 1, 1]]); // 3 lesions

  it('counts detected and missed lesions and false positives', () => {
    const pred = volume(shape, [
      [0, 0, 0, 2, 2, 1, 1], // half of lesion 1: IoU 0.5 -> detected
      [0, 5, 5, 1, 1, 1, 1], // 1 of 8 voxels of lesion 2: IoU 0.125 -> detected
      [1, 3, 0, 1, 1, 2, 1], // no overlap: FP
    ]);
    const r = lesionWiseF1(truth, pred, shape);
    assert.deepEqual({ ...r }, {
      numTruthLesions: 3,
      numPredictedLesions: 3,
      detected: 2,
      missed: 1,
      falsePositives: 1,
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
    });
    // a stricter overlap: the 1-voxel hit on lesion 2 (IoU 1/8) no longer counts
    const strict = lesionWiseF1(truth, pred, shape, { minOverlap: 0.2 });
    assert.equal(strict.detected, 1);
    assert.equal(strict.falsePositives, 2);
    near(strict.f1, 1 / 3);
    // DSC of the 1-voxel hit is 2/9
    assert.equal(lesionWiseF1(truth, pred, shape, { minOverlap: 0.2, overlapFunction: 'dsc' }).detected, 2);
  });

  it('edge cases: nothing anywhere gives NaN, one side empty gives 0', () => {
    const none = new Float32Array(128);
    const r = lesionWiseF1(none, none, shape);
    assert.ok(Number.isNaN(r.f1) && Number.isNaN(r.precision) && Number.isNaN(r.recall));
    const missedAll = lesionWiseF1(truth, none, shape);
    assert.equal(missedAll.f1, 0);
    assert.equal(missedAll.recall, 0);
    assert.ok(Number.isNaN(missedAll.precision));
    const onlyFp = lesionWiseF1(none, truth, shape);
    assert.equal(onlyFp.f1, 0);
    assert.equal(onlyFp.falsePositives, 3);
  });

  it('binarises the prediction at the threshold and checks its input', () => {
    const prob = volume(shape, [[0, 0, 0, 2, 2, 2, 0.4]]);
    assert.equal(lesionWiseF1(truth, prob, shape).numPredictedLesions, 0);
    assert.equal(lesionWiseF1(truth, prob, shape, { threshold: 0.3 }).detected, 1);
    assert.throws(() => lesionWiseF1(truth, new Float32Array(3), shape), /Error in lesionWiseF1: prediction: data length must equal D \* H \* W = 128/);
    assert.throws(() => lesionWiseF1(truth, truth, shape, { minOverlap: 0 }), /Error in lesionWiseF1: minOverlap must be in \(0, 1\], got 0\./);
  });
});
