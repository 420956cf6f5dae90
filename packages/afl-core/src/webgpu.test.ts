// Every loss, A-FL's parameters and every metric on webgpu, compared with cpu (and the losses with MONAI's outputs).
// Skipped when webgpu is unavailable (the reason is printed); fails when AFL_REQUIRE_WEBGPU=1.
import { after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend } from '@afl/backend';
import { maxAbsDiffRel } from '@afl/backend/dist/testing/grad-check';
import { describeWebgpuVsCpu, switchTo } from '@afl/backend/dist/testing/webgpu';
import {
  adaptiveFocalLoss,
  AdaptiveFocalLossOptions,
  adaptiveParameters,
  adaptiveParametersOnDevice,
  authorsSoftDice,
  authorsSoftIoU,
  averageSurfaceDistance,
  confusionCounts,
  createLoss,
  diceScore,
  hausdorff95,
  iouScore,
  LOSS_NAMES,
  prepareAdaptiveFocalParameters,
  sensitivity,
  specificity,
} from './index';
import { channelsLast, readJson, refValues, seededRandom } from './testing/helpers';
import { LossCase, monaiLossesRef, ours } from './testing/monai-losses';

/**
 * Tolerances, as max |webgpu - cpu| / max |cpu| over each compared tensor (float32 on both sides; the GPU's exp, log
 * and reductions round differently from cpu's).
 */
export const WEBGPU_LOSS_TOLERANCE = {
  /** Loss values (MONAI cases, A-FL in every mode, the baselines). */
  value: 1e-5,
  /** Loss gradients with respect to the logits. */
  gradient: 1e-4,
  /** A-FL's parameters computed on the device (float32) against the host's float64 values. */
  parameters: 1e-5,
  /** The authors' soft metrics (float sums). Hard counts, Dice, IoU, sensitivity, specificity and HD95 must be equal. */
  softMetric: 1e-5,
  /** Webgpu against MONAI's own outputs (cpu meets 1e-5 relative, 1e-6 absolute). */
  monai: 1e-5,
} as const;

const worst: Record<string, number> = {};
function record(what: string, err: number, tol: number, detail = ''): void {
  worst[what] = Math.max(worst[what] ?? 0, err);
  assert.ok(err <= tol, `${what}${detail ? ` (${detail})` : ''}: max relative deviation ${err} (tolerance ${tol})`);
}

/** Runs `compute` (which makes its own inputs) on cpu then webgpu and reads every returned tensor asynchronously. */
async function onBoth(compute: () => Promise<tf.Tensor[]> | tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const out: Float32Array[][] = [];
  for (const backend of ['cpu', 'webgpu'] as const) {
    await switchTo(backend);
    const ts = await compute();
    out.push(await Promise.all(ts.map(async (t) => Float32Array.from(await t.data()))));
    tf.dispose(ts);
  }
  return [out[0], out[1]];
}

function randomCase(seed: number, shape: number[], channels = 1, fgRate = 0.2) {
  const rand = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const target = Float32Array.from({ length: size }, () => (rand() < fgRate ? 1 : 0));
  const logits = Float32Array.from({ length: size * channels }, () => (rand() * 2 - 1) * 4);
  return { target, logits, make: () => ({ yTrue: tf.tensor(target, [1, ...shape, 1]), yPred: tf.tensor(logits, [1, ...shape, channels]) }) };
}

/** Two samples, `[2, 3, 6, 5, 1]` (rank 5, as in training), different lesion shares. */
function batchCase(seed: number, channels = 1) {
  const a = randomCase(seed, [3, 6, 5], channels, 0.1);
  const b = randomCase(seed + 1, [3, 6, 5], channels, 0.35);
  return () => {
    const x = a.make();
    const y = b.make();
    const yTrue = tf.concat([x.yTrue, y.yTrue]);
    const yPred = tf.concat([x.yPred, y.yPred]);
    tf.dispose([x.yTrue, x.yPred, y.yTrue, y.yPred]);
    return { yTrue, yPred };
  };
}

function valueAndGrad(loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, make: () => { yTrue: tf.Tensor; yPred: tf.Tensor }): tf.Tensor[] {
  const { yTrue, yPred } = make();
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(yTrue, x) as tf.Scalar)(yPred);
  tf.dispose([yTrue, yPred]);
  return [value, grad];
}

after(async () => {
  if (Object.keys(worst).length > 0) console.log(`# webgpu vs cpu, largest relative deviations: ${JSON.stringify(worst)}`);
  await releaseBackend();
});

describeWebgpuVsCpu('MONAI 1.5 reference losses', (test) => {
  test('every case of losses_monai.json: equal to cpu and to MONAI within the tolerances', async () => {
    const ref = monaiLossesRef();
    if (!ref.path) return;
    const cases = readJson<{ cases: LossCase[] }>(ref.path).cases;
    for (const c of cases) {
      for (const r of c.results) {
        const [cpu, gpu] = await onBoth(() => tf.tidy(() => [ours(r, channelsLast(c.target), channelsLast(c.input))]));
        const what = `${c.name} ${r.loss} ${JSON.stringify(r.args)}`;
        record('MONAI losses vs cpu', maxAbsDiffRel(gpu[0], cpu[0]), WEBGPU_LOSS_TOLERANCE.value, what);
        const expected = typeof r.expected === 'number' ? [r.expected] : refValues(r.expected);
        record('MONAI losses vs MONAI', maxAbsDiffRel(gpu[0], expected), WEBGPU_LOSS_TOLERANCE.monai, what);
      }
    }
  });
});

describeWebgpuVsCpu('A-FL and the baseline losses, values and gradients', (test) => {
  const modes: AdaptiveFocalLossOptions[] = [];
  for (const alpha of ['classwise', 'scalar', 'none', 'authors-code'] as const) {
    for (const flags of [[true, true, true], [false, true, true], [true, false, true], [true, true, false], [false, false, false]]) {
      modes.push({ alpha, useAlphaVa: flags[0], useGammaVa: flags[1], useGammaMSa: flags[2] });
    }
  }

  test('A-FL in every mode and ablation (parameters on the device), rank 5, batch 2', async () => {
    for (const [k, o] of modes.entries()) {
      const make = batchCase(10 + k, o.alpha === 'authors-code' ? 2 : 1);
      const [cpu, gpu] = await onBoth(() => tf.tidy(() => valueAndGrad((t, p) => adaptiveFocalLoss(t, p, { ...o, reduction: 'none' }), make)));
      record('A-FL value', maxAbsDiffRel(gpu[0], cpu[0]), WEBGPU_LOSS_TOLERANCE.value);
      record('A-FL gradient', maxAbsDiffRel(gpu[1], cpu[1]), WEBGPU_LOSS_TOLERANCE.gradient);
    }
  });

  test("A-FL with the host parameters, as the trainer runs it (createLoss('afl').prepare)", async () => {
    const make = batchCase(40);
    const [cpu, gpu] = await onBoth(async () => {
      const loss = createLoss('afl', { checkBinary: false });
      const { yTrue, yPred } = make();
      const prepared = await loss.prepare!(yTrue);
      const out = tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => prepared.loss(yTrue, x))(yPred);
        return [value, grad];
      });
      prepared.dispose();
      tf.dispose([yTrue, yPred]);
      return out;
    });
    record('A-FL value', maxAbsDiffRel(gpu[0], cpu[0]), WEBGPU_LOSS_TOLERANCE.value);
    record('A-FL gradient', maxAbsDiffRel(gpu[1], cpu[1]), WEBGPU_LOSS_TOLERANCE.gradient);
  });

  test('A-FL is NaN for a non-binary mask (no read), and prepareAdaptiveFocalParameters rejects it', async () => {
    await switchTo('webgpu');
    const grades = tf.fill([1, 2, 4, 4, 1], 3);
    const logits = tf.zeros([1, 2, 4, 4, 1]);
    const loss = adaptiveFocalLoss(grades, logits);
    assert.ok(Number.isNaN((await loss.data())[0]));
    await assert.rejects(prepareAdaptiveFocalParameters(grades), /yTrue must be a binary mask/);
    tf.dispose([grades, logits, loss]);
  });

  test('every baseline of createLoss (focal, ce, dice, iou, tversky, dice-ce, dice-focal)', async () => {
    for (const [k, name] of LOSS_NAMES.filter((n) => n !== 'afl').entries()) {
      const make = batchCase(60 + k);
      const [cpu, gpu] = await onBoth(() => tf.tidy(() => valueAndGrad(createLoss(name), make)));
      record('baseline value', maxAbsDiffRel(gpu[0], cpu[0]), WEBGPU_LOSS_TOLERANCE.value);
      record('baseline gradient', maxAbsDiffRel(gpu[1], cpu[1]), WEBGPU_LOSS_TOLERANCE.gradient);
    }
  });

  test("A-FL's parameters on the device equal the host's float64 values (central and forward, one-hot too)", async () => {
    for (const [k, gradient] of (['central', 'forward'] as const).entries()) {
      const make = batchCase(80 + k);
      const host = await (async () => {
        await switchTo('cpu');
        const { yTrue, yPred } = make();
        const p = await adaptiveParameters(yTrue, { gradient });
        const out = await Promise.all([p.alphaVa, p.gammaVa, p.gammaMSa, p.gammaAdaptive].map(async (t) => Float32Array.from(await t.data())));
        tf.dispose([yTrue, yPred, p.alphaVa, p.gammaVa, p.gammaMSa, p.gammaAdaptive]);
        return out;
      })();
      const [, gpu] = await onBoth(() => {
        const { yTrue, yPred } = make();
        const oneHot = tf.concat([tf.sub(1, yTrue), yTrue], -1);
        const p = adaptiveParametersOnDevice(yTrue, { gradient });
        const q = adaptiveParametersOnDevice(oneHot, { gradient });
        tf.dispose([yTrue, yPred, oneHot]);
        return [p.alphaVa, p.gammaVa, p.gammaMSa, p.gammaAdaptive, q.gammaMSa];
      });
      host.forEach((h, i) => record('A-FL parameters (device vs host)', maxAbsDiffRel(gpu[i], h), WEBGPU_LOSS_TOLERANCE.parameters));
      record('A-FL parameters (device vs host)', maxAbsDiffRel(gpu[4], host[2]), WEBGPU_LOSS_TOLERANCE.parameters);
    }
  });
});

describeWebgpuVsCpu('metrics', (test) => {
  test('confusion counts, Dice, IoU, sensitivity, specificity, HD95 and ASD equal; soft metrics within tolerance', async () => {
    const rand = seededRandom(5);
    const shape = [2, 5, 9, 7, 1];
    const size = shape.reduce((a, b) => a * b, 1);
    const target = Float32Array.from({ length: size }, () => (rand() < 0.3 ? 1 : 0));
    // Logits at least 0.25 away from 0, so that the 0.5 threshold of sigmoid(x) cannot flip between backends.
    const logits = Float32Array.from({ length: size }, (_, i) => ((target[i] === 1) === rand() < 0.8 ? 1 : -1) * (0.25 + rand() * 3));
    const results: Array<Record<string, unknown>> = [];
    for (const backend of ['cpu', 'webgpu'] as const) {
      await switchTo(backend);
      const yTrue = tf.tensor(target, shape);
      const x = tf.tensor(logits, shape);
      const probs = tf.sigmoid(x);
      results.push({
        counts: await confusionCounts(yTrue, probs),
        dice: await diceScore(yTrue, probs),
        iou: await iouScore(yTrue, probs),
        sensitivity: await sensitivity(yTrue, probs),
        specificity: await specificity(yTrue, probs),
        hd95: await hausdorff95(yTrue, probs, { spacing: [3, 0.5, 0.5] }),
        asd: await averageSurfaceDistance(yTrue, probs),
        softDice: await authorsSoftDice(yTrue, x),
        softIoU: await authorsSoftIoU(yTrue, x),
      });
      tf.dispose([yTrue, x, probs]);
    }
    const [cpu, gpu] = results;
    for (const k of ['counts', 'dice', 'iou', 'sensitivity', 'specificity', 'hd95', 'asd']) assert.deepEqual(gpu[k], cpu[k], k);
    for (const k of ['softDice', 'softIoU']) record('soft metrics', maxAbsDiffRel(gpu[k] as number[], cpu[k] as number[]), WEBGPU_LOSS_TOLERANCE.softMetric);
  });
});
