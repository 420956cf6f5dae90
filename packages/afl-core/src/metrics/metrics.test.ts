import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose, assertClose, channelsLast, maskFrom, readJson, RefArray, refValues, seededRandom } from '../testing/helpers';
import { sharedForTest } from '../testing/shared';
import { authorsSoftDice, authorsSoftIoU } from './authors-soft';
import { confusionCounts } from './confusion';
import { diceScore, iouScore, meanOfValid, pooledSensitivity, pooledSpecificity, sensitivity, specificity } from './overlap-scores';
import { averageSurfaceDistance, hausdorff95, percentile, surfaceDistances } from './surface-distance';

interface MetricResult {
  metric: string;
  args: { compute_sample?: boolean; reduction: string; ignore_empty?: boolean };
  per_sample_per_class?: RefArray;
  aggregate: RefArray | Record<string, RefArray>;
  confusion_matrix_tp_fp_tn_fn?: RefArray;
  not_nans: number | unknown;
}
interface MetricCase {
  name: string;
  y_pred: RefArray;
  y: RefArray;
  results: MetricResult[];
}
const REF = sharedForTest('reference', 'metrics_monai.json');

describe('metrics against MONAI 1.5', { skip: REF.skip }, () => {
  const cases = REF.path ? readJson<{ cases: MetricCase[] }>(REF.path).cases : [];
  for (const c of cases) {
    it(`${c.name}: DiceMetric, MeanIoU and ConfusionMatrixMetric`, async () => {
      const yTrue = channelsLast(c.y);
      const yPred = channelsLast(c.y_pred);
      const counts = await confusionCounts(yTrue, yPred);
      for (const r of c.results) {
        const ignoreEmpty = r.args.ignore_empty ?? true;
        if (r.metric === 'DiceMetric' || r.metric === 'MeanIoU') {
          const per = r.metric === 'DiceMetric' ? (await diceScore(yTrue, yPred, { ignoreEmpty })) : (await iouScore(yTrue, yPred, { ignoreEmpty }));
          assertAllClose(per, refValues(r.per_sample_per_class!), 0, 1e-6, r.metric);
          if (r.args.reduction === 'mean') {
            const agg = meanOfValid(per);
            assertClose(agg.mean, refValues(r.aggregate as RefArray)[0], 0, 1e-6, `${r.metric} aggregate`);
            assert.equal(agg.count, r.not_nans);
          }
        } else if (r.metric === 'ConfusionMatrixMetric') {
          const ref = refValues(r.confusion_matrix_tp_fp_tn_fn!);
          assert.deepEqual(counts.flatMap((k) => [k.tp, k.fp, k.tn, k.fn]), ref);
          const agg = r.aggregate as Record<string, RefArray>;
          if (r.args.reduction !== 'mean') continue;
          if (r.args.compute_sample) {
            assertClose(meanOfValid(await sensitivity(yTrue, yPred)).mean, refValues(agg.sensitivity)[0], 0, 1e-6, 'sample sensitivity');
            assertClose(meanOfValid(await specificity(yTrue, yPred)).mean, refValues(agg.specificity)[0], 0, 1e-6, 'sample specificity');
          } else {
            assertClose(pooledSensitivity(counts), refValues(agg.sensitivity)[0], 0, 1e-6, 'pooled sensitivity');
            assertClose(pooledSpecificity(counts), refValues(agg.specificity)[0], 0, 1e-6, 'pooled specificity');
          }
        }
      }
      tf.dispose([yTrue, yPred]);
    });
  }
});

describe('hard metrics', () => {
  it('count by hand, threshold at 0.5 by default, NaN for an empty ground truth', async () => {
    const yTrue = tf.tensor([1, 1, 0, 0, 0, 0, 0, 0], [2, 2, 2, 1]);
    const yPred = tf.tensor([0.9, 0.4, 0.7, 0.1, 0, 0, 0.6, 0], [2, 2, 2, 1]);
    assert.deepEqual(await confusionCounts(yTrue, yPred), [
      { tp: 1, fp: 1, fn: 1, tn: 1 },
      { tp: 0, fp: 1, fn: 0, tn: 3 },
    ]);
    const dice = await diceScore(yTrue, yPred);
    assert.equal(dice[0], 0.5);
    assert.ok(Number.isNaN(dice[1]));
    assert.deepEqual(meanOfValid(dice), { mean: 0.5, count: 1 });
    assert.deepEqual(await diceScore(yTrue, yPred, { ignoreEmpty: false }), [0.5, 0]);
    assert.deepEqual((await iouScore(yTrue, yPred)).slice(0, 1), [1 / 3]);
    assert.deepEqual(await specificity(yTrue, yPred), [0.5, 0.75]);
    assert.deepEqual((await confusionCounts(yTrue, yPred, { threshold: 0.3 }))[0], { tp: 2, fp: 1, fn: 0, tn: 1 });
    assert.deepEqual(meanOfValid([NaN, NaN]), { mean: 0, count: 0 });
    tf.dispose([yTrue, yPred]);
  });

  it('reject non-binary ground truth, several channels and shape mismatches', async () => {
    const grades = tf.fill([1, 3, 3, 1], 2);
    const two = tf.zeros([1, 3, 3, 2]);
    const ok = tf.zeros([1, 3, 3, 1]);
    const other = tf.zeros([1, 3, 4, 1]);
    await assert.rejects(diceScore(grades, ok), /Error in confusionCounts: yTrue must be a binary mask/);
    await assert.rejects(diceScore(two, two), /must have 1 channel/);
    await assert.rejects(sensitivity(ok, other), /same shape, got yTrue \[1, 3, 3, 1\] and yPred \[1, 3, 4, 1\]/);
    tf.dispose([grades, two, ok, other]);
  });
});

describe("the authors' soft metrics", () => {
  it('average squared-denominator soft Dice/IoU over background and tumour channels', async () => {
    const rand = seededRandom(3);
    const t = Array.from({ length: 2 * 12 }, () => (rand() < 0.3 ? 1 : 0));
    const x = Array.from({ length: 2 * 12 }, () => rand() * 6 - 3);
    const yTrue = tf.tensor(t, [2, 3, 4, 1]);
    const logits = tf.tensor(x, [2, 3, 4, 1]);
    const expectDice: number[] = [];
    const expectIoU: number[] = [];
    for (let b = 0; b < 2; b++) {
      let d = 0;
      let j = 0;
      for (const fg of [false, true]) {
        let inter = 0;
        let sq = 0;
        for (let i = 12 * b; i < 12 * (b + 1); i++) {
          const p1 = 1 / (1 + Math.exp(-x[i]));
          const p = fg ? p1 : 1 - p1;
          const g = fg ? t[i] : 1 - t[i];
          inter += p * g;
          sq += p * p + g * g;
        }
        d += (2 * inter + 1e-5) / (sq + 1e-5) / 2;
        j += (inter + 1e-5) / (sq - inter + 1e-5) / 2;
      }
      expectDice.push(d);
      expectIoU.push(j);
    }
    assertAllClose(await authorsSoftDice(yTrue, logits), expectDice, 1e-5, 0, 'soft dice');
    assertAllClose(await authorsSoftIoU(yTrue, logits), expectIoU, 1e-5, 0, 'soft iou');
    const twoChannel = tf.concat([tf.neg(logits), logits], -1);
    assertAllClose(await authorsSoftDice(yTrue, twoChannel), expectDice, 1e-5, 0, '2-channel logits [-x, x]');
    const empty = tf.zeros([1, 3, 4, 1]);
    assert.ok((await authorsSoftDice(empty, tf.zeros([1, 3, 4, 1]))).every(Number.isFinite));
    tf.dispose([yTrue, logits, twoChannel, empty]);
  });
});

/** Brute force: distance from each surface voxel of `from` to every surface voxel of `to`. */
function bruteSurfaceDistances(from: Uint8Array, to: Uint8Array, shape: number[], spacing: number[]): number[] {
  const coords = (i: number) => shape.map((_, a) => Math.floor(i / shape.slice(a + 1).reduce((x, y) => x * y, 1)) % shape[a]);
  const surface = (m: Uint8Array) => {
    const out: number[][] = [];
    for (let i = 0; i < m.length; i++) {
      if (!m[i]) continue;
      const c = coords(i);
      const edge = c.some((v, a) => {
        if (v === 0 || v === shape[a] - 1) return true;
        const stride = shape.slice(a + 1).reduce((x, y) => x * y, 1);
        return !m[i - stride] || !m[i + stride];
      });
      if (edge) out.push(c);
    }
    return out;
  };
  const a = surface(from);
  const b = surface(to);
  return a.map((p) => Math.min(...b.map((q) => Math.sqrt(p.reduce((s, v, k) => s + ((v - q[k]) * spacing[k]) ** 2, 0)))));
}

describe('surface distances', () => {
  it('equal a brute-force search on random 2-D and 3-D masks with anisotropic spacing', () => {
    const rand = seededRandom(9);
    for (const [shape, spacing] of [[[7, 9], [1, 1]], [[5, 6, 7], [3, 0.5, 0.7]], [[4, 4, 9], [1, 2, 1]]] as Array<[number[], number[]]>) {
      const n = shape.reduce((x, y) => x * y, 1);
      const a = Uint8Array.from({ length: n }, () => (rand() < 0.35 ? 1 : 0));
      const b = Uint8Array.from({ length: n }, () => (rand() < 0.2 ? 1 : 0));
      const got = Array.from(surfaceDistances(a, b, shape, spacing));
      assertAllClose(got, bruteSurfaceDistances(a, b, shape, spacing), 1e-9, 1e-9, `shape ${shape}`);
    }
  });

  it('hausdorff95 and the average surface distance of two shifted squares, by hand', async () => {
    const a = maskFrom([12, 12], (y, x) => y >= 2 && y < 6 && x >= 2 && x < 6);
    const b = maskFrom([12, 12], (y, x) => y >= 2 && y < 6 && x >= 5 && x < 9);
    // Both surfaces are 12-voxel square rings shifted by 3 columns along x.
    const hd = (await hausdorff95(a, b))[0];
    const hdMm = (await hausdorff95(a, b, { spacing: [1, 2] }))[0];
    assertClose(hd, 3, 0, 1e-9, 'hd95 voxels');
    assertClose(hdMm, 6, 0, 1e-9, 'hd95 mm');
    const asd = (await averageSurfaceDistance(a, b))[0];
    // From b's ring to a's ring: columns 5 (d 0), 6 (d 1), 7 (d 2), 8 (d 3) -> (4*0 + 2*1 + 2*2 + 4*3) / 12 = 1.5
    assertClose(asd, 1.5, 0, 1e-9, 'asd');
    const empty = tf.zeros([1, 12, 12, 1]);
    assert.ok(Number.isNaN((await hausdorff95(a, empty))[0]));
    tf.dispose([a, b, empty]);
  });

  it("uses numpy's linear percentile", () => {
    assertClose(percentile(Float64Array.from([1, 2, 3, 4]), 95), 3.85, 0, 1e-12, 'p95');
    assertClose(percentile(Float64Array.from([5]), 95), 5, 0, 0, 'single');
  });
});
