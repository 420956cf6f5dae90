import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose, assertClose, gradientCheck, maskFrom, seededRandom } from '../testing/helpers';
import { adaptiveFocalLoss, AdaptiveFocalLossOptions, prepareAdaptiveFocalParameters } from './adaptive-focal';
import { createLoss } from './create-loss';
import { adaptiveParameters, disposeAdaptiveParameters } from './adaptive-parameters';
import { focalLoss } from './focal';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A second, naive float64 implementation of A-FL for one sample, straight from eqs. 1–8 and the modes, given
 * that sample's parameters. `logits` holds C = 1 channel, or 2 (background, tumour) for 'authors-code'.
 */
function referenceSampleLoss(
  target: number[],
  logits: number[],
  p: { alphaVa: number; gammaVa: number; gammaMSa: number },
  o: AdaptiveFocalLossOptions,
): number {
  const { useAlphaVa = true, useGammaVa = true, useGammaMSa = true, alpha: mode = 'classwise' } = o;
  const alpha = useAlphaVa ? p.alphaVa : 0.25;
  const gamma = useGammaVa && useGammaMSa ? p.gammaVa + p.gammaMSa : useGammaVa ? p.gammaVa : useGammaMSa ? p.gammaMSa : 2;
  const term = (t: number, x: number) => {
    const q = sigmoid(x);
    const pt = t === 1 ? q : 1 - q;
    return Math.pow(1 - pt, gamma) * -Math.log(pt);
  };
  let total = 0;
  if (mode === 'authors-code') {
    const wFg = useAlphaVa ? p.gammaVa : 1 - alpha;
    for (let i = 0; i < target.length; i++) {
      total += alpha * term(1 - target[i], logits[2 * i]) + wFg * term(target[i], logits[2 * i + 1]);
    }
    return total / (2 * target.length);
  }
  for (let i = 0; i < target.length; i++) {
    const t = target[i];
    let w = 1;
    if (mode === 'classwise' || (mode === 'scalar' && !useAlphaVa)) w = t === 1 ? alpha : 1 - alpha;
    else if (mode === 'scalar') w = alpha;
    total += w * term(t, logits[i]);
  }
  return total / target.length;
}

async function paramsOf(mask: tf.Tensor) {
  const p = await adaptiveParameters(mask);
  const out = { alphaVa: await p.alphaVa.array(), gammaVa: await p.gammaVa.array(), gammaMSa: await p.gammaMSa.array() };
  disposeAdaptiveParameters(p);
  return out;
}

function randomCase(seed: number, shape: number[], channels = 1, fgRate = 0.2, scale = 4) {
  const rand = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const target = Array.from({ length: size }, () => (rand() < fgRate ? 1 : 0));
  const logits = Array.from({ length: size * channels }, () => (rand() * 2 - 1) * scale);
  return { target, logits, yTrue: tf.tensor(target, [1, ...shape, 1]), yPred: tf.tensor(logits, [1, ...shape, channels]) };
}

describe('adaptiveFocalLoss', () => {
  const modes: AdaptiveFocalLossOptions[] = [];
  for (const alpha of ['classwise', 'scalar', 'none', 'authors-code'] as const) {
    for (const flags of [[true, true, true], [false, true, true], [true, false, true], [true, true, false], [false, false, false], [true, false, false]]) {
      modes.push({ alpha, useAlphaVa: flags[0], useGammaVa: flags[1], useGammaMSa: flags[2] });
    }
  }

  it('matches a naive float64 implementation in every mode and ablation, per sample', async () => {
    for (const [k, o] of modes.entries()) {
      const channels = o.alpha === 'authors-code' ? 2 : 1;
      const a = randomCase(100 + k, [3, 4, 5], channels, 0.15);
      const b = randomCase(200 + k, [3, 4, 5], channels, 0.4);
      const yTrue = tf.concat([a.yTrue, b.yTrue]);
      const yPred = tf.concat([a.yPred, b.yPred]);
      const p = await paramsOf(yTrue);
      const perSample = adaptiveFocalLoss(yTrue, yPred, { ...o, reduction: 'none' });
      assert.deepEqual(perSample.shape, [2]);
      const expected = [a, b].map((s, i) =>
        referenceSampleLoss(s.target, s.logits, { alphaVa: p.alphaVa[i], gammaVa: p.gammaVa[i], gammaMSa: p.gammaMSa[i] }, o),
      );
      assertAllClose(perSample.dataSync(), expected, 2e-5, 1e-7, JSON.stringify(o));
      const mean = adaptiveFocalLoss(yTrue, yPred, o);
      const sum = adaptiveFocalLoss(yTrue, yPred, { ...o, reduction: 'sum' });
      assertClose(mean.dataSync()[0], (expected[0] + expected[1]) / 2, 2e-5, 1e-7, 'mean');
      assertClose(sum.dataSync()[0], expected[0] + expected[1], 2e-5, 1e-7, 'sum');
      tf.dispose([a.yTrue, a.yPred, b.yTrue, b.yPred, yTrue, yPred, perSample, mean, sum]);
    }
  });

  it('with all three parts off equals focalLoss(alpha 0.25, gamma 2), the paper\'s baseline row', () => {
    const c = randomCase(3, [6, 5, 4]);
    const afl = adaptiveFocalLoss(c.yTrue, c.yPred, { useAlphaVa: false, useGammaVa: false, useGammaMSa: false });
    const fl = focalLoss(c.yTrue, c.yPred, { alpha: 0.25, gamma: 2 });
    assert.equal(afl.dataSync()[0], fl.dataSync()[0]);
    tf.dispose([c.yTrue, c.yPred, afl, fl]);
  });

  it("per sample equals MONAI's FocalLoss with gamma = gammaAdaptive and alpha = alphaVa ('classwise')", async () => {
    const c = randomCase(4, [8, 8], 1, 0.1);
    const p = await paramsOf(c.yTrue);
    const afl = adaptiveFocalLoss(c.yTrue, c.yPred);
    const fl = focalLoss(c.yTrue, c.yPred, { alpha: p.alphaVa[0], gamma: p.gammaVa[0] + p.gammaMSa[0] });
    assertClose(afl.dataSync()[0], fl.dataSync()[0], 1e-6, 0, 'A-FL vs focal');
    tf.dispose([c.yTrue, c.yPred, afl, fl]);
  });

  it('uses precomputed parameters (e.g. from the whole patient volume) when given', async () => {
    const c = randomCase(5, [4, 4, 4]);
    const volume = maskFrom([4, 8, 8], (z, y, x) => z < 2 && y < 3 && x < 3);
    const params = await adaptiveParameters(volume);
    const p = await paramsOf(volume);
    const got = adaptiveFocalLoss(c.yTrue, c.yPred, { parameters: params });
    const expected = referenceSampleLoss(c.target, c.logits, { alphaVa: p.alphaVa[0], gammaVa: p.gammaVa[0], gammaMSa: p.gammaMSa[0] }, {});
    assertClose(got.dataSync()[0], expected, 2e-5, 0, 'with parameters');
    disposeAdaptiveParameters(params);
    tf.dispose([c.yTrue, c.yPred, volume, got]);
  });

  it('accepts probabilities with fromLogits: false', () => {
    const c = randomCase(6, [5, 5], 1, 0.3, 3);
    const probs = tf.sigmoid(c.yPred);
    const a = adaptiveFocalLoss(c.yTrue, c.yPred);
    const b = adaptiveFocalLoss(c.yTrue, probs, { fromLogits: false });
    assertClose(b.dataSync()[0], a.dataSync()[0], 1e-4, 1e-6, 'probabilities');
    tf.dispose([c.yTrue, c.yPred, probs, a, b]);
  });

  it('has gradients equal to central finite differences in every mode', () => {
    for (const o of modes.filter((_, i) => i % 3 === 0)) {
      const channels = o.alpha === 'authors-code' ? 2 : 1;
      const c = randomCase(7, [2, 3, 3], channels, 0.3, 2);
      const { worst } = gradientCheck((x) => adaptiveFocalLoss(c.yTrue, x, o) as tf.Scalar, c.yPred, 1e-2);
      assert.ok(worst < 2e-3, `${JSON.stringify(o)}: worst gradient error ${worst}`);
      tf.dispose([c.yTrue, c.yPred]);
    }
  });

  it('is finite with finite gradients on empty, full and one-voxel masks, saturated logits and gamma in [0, 5]', () => {
    const rand = seededRandom(11);
    const shape = [3, 6, 5];
    const size = 90;
    const masks = [
      new Array(size).fill(0),
      new Array(size).fill(1),
      Array.from({ length: size }, (_, i) => (i === 37 ? 1 : 0)),
      Array.from({ length: size }, () => (rand() < 0.5 ? 1 : 0)),
    ];
    for (let trial = 0; trial < 24; trial++) {
      const target = masks[trial % masks.length];
      const logits = Array.from({ length: size }, () => {
        const r = rand();
        return r < 0.3 ? 100 : r < 0.6 ? -100 : (rand() * 2 - 1) * 100;
      });
      const yTrue = tf.tensor(target, [1, ...shape, 1]);
      const yPred = tf.tensor(logits, [1, ...shape, 1]);
      const gamma = [0, 1e-3, 0.02, 1, 5][trial % 5];
      const alphaVa = tf.tensor1d([rand()]);
      const params = { alphaVa, gammaVa: tf.tensor1d([gamma / 2]), gammaMSa: tf.tensor1d([gamma / 2]), gammaAdaptive: tf.tensor1d([gamma]) };
      for (const o of [{}, { parameters: params }, { alpha: 'scalar' as const }, { alpha: 'none' as const, parameters: params }]) {
        const [value, grad] = tf.tidy(() => {
          const g = tf.valueAndGrad((x: tf.Tensor) => adaptiveFocalLoss(yTrue, x, o) as tf.Scalar)(yPred);
          return [g.value.dataSync()[0], g.grad.dataSync()];
        });
        assert.ok(Number.isFinite(value), `loss ${value} (trial ${trial})`);
        assert.ok(grad.every(Number.isFinite), `gradient not finite (trial ${trial})`);
      }
      const two = tf.concat([tf.neg(yPred), yPred], -1);
      const v = tf.tidy(() => adaptiveFocalLoss(yTrue, two, { alpha: 'authors-code' }).dataSync()[0]);
      assert.ok(Number.isFinite(v), `authors-code loss ${v}`);
      disposeAdaptiveParameters(params);
      tf.dispose([yTrue, yPred, two]);
    }
  });

  it('keeps the tensor count flat over many steps', () => {
    const c = randomCase(8, [4, 4, 4]);
    const warm = tf.tidy(() => tf.grad((x: tf.Tensor) => adaptiveFocalLoss(c.yTrue, x) as tf.Scalar)(c.yPred));
    warm.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const g = tf.grad((x: tf.Tensor) => adaptiveFocalLoss(c.yTrue, x) as tf.Scalar)(c.yPred);
      g.dispose();
      adaptiveFocalLoss(c.yTrue, c.yPred, { alpha: 'scalar', reduction: 'none' }).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([c.yTrue, c.yPred]);
  });

  it('rejects bad input with errors naming the argument and the shapes', async () => {
    const y = tf.zeros([1, 4, 4, 1]);
    const p2 = tf.zeros([1, 4, 4, 2]);
    const other = tf.zeros([1, 4, 5, 1]);
    const r3 = tf.zeros([4, 4, 1]);
    const grades = tf.fill([1, 4, 4, 1], 3);
    assert.throws(() => adaptiveFocalLoss(y, other), /Error in adaptiveFocalLoss: yTrue and yPred must have the same shape, got yTrue \[1, 4, 4, 1\] and yPred \[1, 4, 5, 1\]/);
    assert.throws(() => adaptiveFocalLoss(y, p2), /yPred must have 1 channel .* got yPred \[1, 4, 4, 2\]; use alpha 'authors-code'/);
    assert.throws(() => adaptiveFocalLoss(r3, r3), /yTrue must be rank 4 .* got rank 3/);
    // The loss reads nothing from the device, so a non-binary mask gives NaN; the preparing read throws.
    assert.ok(Number.isNaN(adaptiveFocalLoss(grades, y).dataSync()[0]));
    assert.ok(Number.isFinite(adaptiveFocalLoss(grades, y, { checkBinary: false }).dataSync()[0]));
    await assert.rejects(prepareAdaptiveFocalParameters(grades), /Error in prepareAdaptiveFocalParameters: yTrue must be a binary mask holding only 0 and 1/);
    await assert.rejects(createLoss('afl').prepare!(grades), /yTrue must be a binary mask holding only 0 and 1/);
    assert.throws(() => adaptiveFocalLoss(y, y, { alpha: 'authors-code' }), /'authors-code' needs yPred with 2 channels/);
    assert.throws(() => adaptiveFocalLoss(y, y, { alpha: 'weird' as 'none' }), /unsupported alpha "weird"/);
    assert.throws(() => adaptiveFocalLoss(y, y, { reduction: 'avg' as 'mean' }), /unsupported reduction "avg", available options are "none", "mean", "sum"/);
    tf.dispose([y, p2, other, r3, grades]);
  });
});
