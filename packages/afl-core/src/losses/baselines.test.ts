import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, gradientCheck, seededRandom } from '../testing/helpers';
import { bceLoss } from './bce';
import { diceCELoss, diceFocalLoss } from './compound';
import { createLoss, LOSS_NAMES } from './create-loss';
import { diceLoss, iouLoss } from './dice';
import { focalLoss } from './focal';
import { tverskyLoss } from './tversky';

function randomPair(seed: number, shape: number[], scale = 3) {
  const rand = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const t = Array.from({ length: size }, () => (rand() < 0.3 ? 1 : 0));
  const x = Array.from({ length: size }, () => (rand() * 2 - 1) * scale);
  return { t, x, yTrue: tf.tensor(t, shape), yPred: tf.tensor(x, shape) };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('baseline losses', () => {
  const fns: Array<[string, (t: tf.Tensor, p: tf.Tensor) => tf.Tensor]> = [
    ['focal', (t, p) => focalLoss(t, p)],
    ['focal alpha', (t, p) => focalLoss(t, p, { alpha: 0.25, gamma: 1.5 })],
    ['bce', (t, p) => bceLoss(t, p)],
    ['dice', (t, p) => diceLoss(t, p)],
    ['dice squared batch', (t, p) => diceLoss(t, p, { squaredPred: true, batch: true })],
    ['iou', (t, p) => iouLoss(t, p)],
    ['tversky', (t, p) => tverskyLoss(t, p, { alpha: 0.3, beta: 0.7 })],
    ['dice-ce', (t, p) => diceCELoss(t, p)],
    ['dice-focal', (t, p) => diceFocalLoss(t, p, { lambdaFocal: 0.5 })],
  ];

  it('have gradients equal to central finite differences', () => {
    for (const [name, f] of fns) {
      const c = randomPair(1, [2, 3, 2, 2, 1]);
      const { worst } = gradientCheck((x) => f(c.yTrue, x) as tf.Scalar, c.yPred, 1e-2);
      assert.ok(worst < 2e-3, `${name}: worst gradient error ${worst}`);
      tf.dispose([c.yTrue, c.yPred]);
    }
  });

  it('are finite with finite gradients at saturated logits and on empty and full masks', () => {
    for (const [name, f] of fns) {
      for (const fill of [0, 1]) {
        const yTrue = tf.fill([1, 4, 4, 1], fill);
        const yPred = tf.tensor(Array.from({ length: 16 }, (_, i) => (i % 2 ? 100 : -100)), [1, 4, 4, 1]);
        const [v, g] = tf.tidy(() => {
          const r = tf.valueAndGrad((x: tf.Tensor) => f(yTrue, x) as tf.Scalar)(yPred);
          return [r.value.dataSync()[0], r.grad.dataSync()];
        });
        assert.ok(Number.isFinite(v) && g.every(Number.isFinite), `${name} fill ${fill}: ${v}`);
        tf.dispose([yTrue, yPred]);
      }
    }
  });

  it('focal with gamma 0 and no alpha is binary cross-entropy', () => {
    const c = randomPair(2, [2, 5, 5, 1]);
    const a = focalLoss(c.yTrue, c.yPred, { gamma: 0 });
    const b = bceLoss(c.yTrue, c.yPred);
    assertClose(a.dataSync()[0], b.dataSync()[0], 1e-6, 0, 'FL(gamma 0) vs BCE');
    tf.dispose([c.yTrue, c.yPred, a, b]);
  });

  it('bce matches a hand computation, and its sum is PyTorch\'s sum over elements', () => {
    const yTrue = tf.tensor([1, 0, 1, 0], [1, 2, 2, 1]);
    const yPred = tf.tensor([2, -1, 0, 3], [1, 2, 2, 1]);
    const expected = [-Math.log(sigmoid(2)), -Math.log(1 - sigmoid(-1)), Math.log(2), -Math.log(1 - sigmoid(3))];
    const total = expected.reduce((a, b) => a + b);
    assertClose(bceLoss(yTrue, yPred).dataSync()[0], total / 4, 1e-6, 0, 'mean');
    assertClose(bceLoss(yTrue, yPred, { reduction: 'sum' }).dataSync()[0], total, 1e-6, 0, 'sum');
    tf.dispose([yTrue, yPred]);
  });

  it('tversky with alpha = beta = 0.5 is the Dice loss; iou is Dice with jaccard', () => {
    const c = randomPair(3, [2, 4, 4, 1]);
    assertClose(tverskyLoss(c.yTrue, c.yPred).dataSync()[0], diceLoss(c.yTrue, c.yPred).dataSync()[0], 1e-5, 1e-7, 'tversky');
    assertClose(iouLoss(c.yTrue, c.yPred).dataSync()[0], diceLoss(c.yTrue, c.yPred, { jaccard: true }).dataSync()[0], 1e-6, 0, 'iou');
    tf.dispose([c.yTrue, c.yPred]);
  });

  it('dice with squaredPred matches a hand computation', () => {
    const yTrue = tf.tensor([1, 1, 0, 0], [1, 2, 2, 1]);
    const p = [0.9, 0.6, 0.2, 0.1];
    const yPred = tf.tensor(p, [1, 2, 2, 1]);
    const tp = 0.9 + 0.6;
    const expected = 1 - (2 * tp + 1e-5) / (p.reduce((s, v) => s + v * v, 0) + 2 + 1e-5);
    assertClose(diceLoss(yTrue, yPred, { squaredPred: true, fromLogits: false }).dataSync()[0], expected, 1e-6, 0, 'squared');
    tf.dispose([yTrue, yPred]);
  });

  it('reject bad input naming the loss, the argument and the shapes', () => {
    const a = tf.zeros([1, 4, 4, 1]);
    const b = tf.zeros([1, 4, 4, 2]);
    const r3 = tf.zeros([4, 4, 1]);
    assert.throws(() => diceLoss(a, b), /Error in diceLoss: yTrue and yPred must have the same shape, got yTrue \[1, 4, 4, 1\] and yPred \[1, 4, 4, 2\]/);
    assert.throws(() => focalLoss(r3, r3), /Error in focalLoss: yTrue must be rank 4/);
    assert.throws(() => focalLoss(a, a, { gamma: -1 }), /gamma must be a number in \[0, Infinity\], got -1/);
    assert.throws(() => focalLoss(a, a, { alpha: 2 }), /alpha must be a number in \[0, 1\], got 2/);
    assert.throws(() => tverskyLoss(a, a, { alpha: 0, beta: 0 }), /Error in tverskyLoss: alpha \+ beta must be > 0, got 0/);
    assert.throws(() => iouLoss(a, b), /Error in iouLoss/);
    assert.throws(() => diceCELoss(a, a, { lambdaDice: 0, lambdaCe: 0 }), /lambdaDice and lambdaCe are both 0/);
    tf.dispose([a, b, r3]);
  });
});

describe('createLoss', () => {
  it('builds every named loss as (yTrue, yPred) => scalar, equal to the direct call', () => {
    const c = randomPair(4, [1, 3, 4, 4, 1]);
    const direct: Record<string, tf.Tensor> = {
      focal: focalLoss(c.yTrue, c.yPred),
      ce: bceLoss(c.yTrue, c.yPred),
      dice: diceLoss(c.yTrue, c.yPred),
      iou: iouLoss(c.yTrue, c.yPred),
      tversky: tverskyLoss(c.yTrue, c.yPred),
      'dice-ce': diceCELoss(c.yTrue, c.yPred),
      'dice-focal': diceFocalLoss(c.yTrue, c.yPred),
    };
    for (const name of LOSS_NAMES) {
      const v = createLoss(name)(c.yTrue, c.yPred);
      assert.equal(v.rank, 0, name);
      if (direct[name]) assert.equal(v.dataSync()[0], direct[name].dataSync()[0], name);
      v.dispose();
    }
    assert.deepEqual([...LOSS_NAMES].sort(), ['afl', 'ce', 'dice', 'dice-ce', 'dice-focal', 'focal', 'iou', 'tversky']);
    tf.dispose([c.yTrue, c.yPred, ...Object.values(direct)]);
  });

  it('passes options through and rejects unknown names listing the valid ones', () => {
    const c = randomPair(5, [1, 4, 4, 1]);
    const a = createLoss('focal', { gamma: 0 })(c.yTrue, c.yPred);
    const b = bceLoss(c.yTrue, c.yPred);
    assertClose(a.dataSync()[0], b.dataSync()[0], 1e-6, 0, 'options');
    assert.throws(() => createLoss('lovasz' as 'dice'), /Error in createLoss: unknown loss "lovasz", valid names are 'afl', 'focal', 'ce', 'dice', 'iou', 'tversky', 'dice-ce', 'dice-focal'/);
    assert.throws(() => createLoss('dice', { reduction: 'none' }), /reduction 'none' is not allowed/);
    tf.dispose([c.yTrue, c.yPred, a, b]);
  });
});
