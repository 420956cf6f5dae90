import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, maskFrom, seededRandom } from '../testing/helpers';
import { adaptiveParameters, AdaptiveParameters, AdaptiveParametersOptions, adaptiveParametersOnDevice, disposeAdaptiveParameters } from './adaptive-parameters';

type Impl = (mask: tf.Tensor, options?: AdaptiveParametersOptions) => AdaptiveParameters | Promise<AdaptiveParameters>;
/** The host computation (float64, one asynchronous read) and the device one (tensor ops, float32, no read). */
const IMPLS: Array<[string, Impl]> = [
  ['adaptiveParameters', adaptiveParameters],
  ['adaptiveParametersOnDevice', adaptiveParametersOnDevice],
];
let impl: Impl = adaptiveParameters;

async function params1(mask: tf.Tensor, gradient: 'central' | 'forward' = 'central') {
  const p = await impl(mask, { gradient });
  const out = {
    alphaVa: Array.from(await p.alphaVa.data()),
    gammaVa: Array.from(await p.gammaVa.data()),
    gammaMSa: Array.from(await p.gammaMSa.data()),
    gammaAdaptive: Array.from(await p.gammaAdaptive.data()),
  };
  disposeAdaptiveParameters(p);
  return out;
}

/** A second, plain implementation of eqs. 3–5 with numpy.gradient's semantics, in float64. */
function referenceGammaMSa(data: ArrayLike<number>, shape: number[], scheme: 'central' | 'forward'): number {
  const n = data.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let a = 0; a < shape.length; a++) {
      const c = Math.floor(i / strides[a]) % shape[a];
      const len = shape[a];
      const at = (k: number) => (data[i + (k - c) * strides[a]] !== 0 ? 1 : 0);
      let g = 0;
      if (len < 2) g = 0;
      else if (scheme === 'forward') g = c < len - 1 ? at(c + 1) - at(c) : 0;
      else if (c === 0) g = at(1) - at(0);
      else if (c === len - 1) g = at(len - 1) - at(len - 2);
      else g = (at(c + 1) - at(c - 1)) / 2;
      sq += g * g;
    }
    total += Math.sqrt(sq);
  }
  return total / n;
}

for (const [name, implementation] of IMPLS) {
  describe(name, () => {
    before(() => {
      impl = implementation;
    });

    it('reproduces the hand-worked cube of the issue (2×2×2 cube in 4×4×4)', async () => {
      const mask = maskFrom([4, 4, 4], (z, y, x) => z >= 1 && z < 3 && y >= 1 && y < 3 && x >= 1 && x < 3);
      const p = await params1(mask);
      assertClose(p.gammaVa[0], 0.125, 0, 1e-7, 'gammaVa');
      assertClose(p.alphaVa[0], 0.875, 0, 1e-7, 'alphaVa');
      assertClose(p.gammaMSa[0], 0.48325317547305484, 1e-6, 0, 'gammaMSa');
      assertClose(p.gammaAdaptive[0], 0.125 + 0.48325317547305484, 1e-6, 0, 'gammaAdaptive');
      mask.dispose();
    });

    it('gives 0.5793078768361126 for a 3×3×3 cube in 5×5×5', async () => {
      const mask = maskFrom([5, 5, 5], (z, y, x) => [z, y, x].every((c) => c >= 1 && c < 4));
      assertClose((await params1(mask)).gammaMSa[0], 0.5793078768361126, 1e-6, 0, 'gammaMSa');
      mask.dispose();
    });

    it('gives 6/27 (central) and (3 + √3)/27 (forward) for a single voxel in 3×3×3', async () => {
      const mask = maskFrom([3, 3, 3], (z, y, x) => z === 1 && y === 1 && x === 1);
      assertClose((await params1(mask, 'central')).gammaMSa[0], 6 / 27, 1e-6, 0, 'central');
      assertClose((await params1(mask, 'forward')).gammaMSa[0], (3 + Math.sqrt(3)) / 27, 1e-6, 0, 'forward');
      assertClose((await params1(mask)).gammaVa[0], 1 / 27, 1e-6, 0, 'gammaVa');
      mask.dispose();
    });

    it('takes the limits on empty and all-foreground masks (no NaN)', async () => {
      const empty = tf.zeros([1, 4, 5, 6, 1]);
      const full = tf.ones([1, 4, 5, 6, 1]);
      assert.deepEqual(await params1(empty), { alphaVa: [1], gammaVa: [0], gammaMSa: [0], gammaAdaptive: [0] });
      assert.deepEqual(await params1(full), { alphaVa: [0], gammaVa: [1], gammaMSa: [0], gammaAdaptive: [1] });
      tf.dispose([empty, full]);
    });

    it('computes each sample from its own mask and treats any non-zero label as foreground', async () => {
      const a = maskFrom([6, 7], (y, x) => y >= 2 && y < 5 && x >= 1 && x < 4);
      const b = tf.mul(maskFrom([6, 7], (y, x) => y === 0 && x < 3), 4);
      const batch = tf.concat([a, b], 0);
      const p = await params1(batch);
      assertClose(p.gammaVa[0], 9 / 42, 1e-6, 0, 'gammaVa[0]');
      assertClose(p.gammaVa[1], 3 / 42, 1e-6, 0, 'gammaVa[1]');
      assertClose(p.gammaMSa[0], referenceGammaMSa(a.dataSync(), [6, 7], 'central'), 1e-5, 0, 'gammaMSa[0]');
      assertClose(p.gammaMSa[1], referenceGammaMSa(b.dataSync(), [6, 7], 'central'), 1e-5, 0, 'gammaMSa[1]');
      tf.dispose([a, b, batch]);
    });

    it('matches a plain float64 implementation on random 2-D and 3-D masks, both schemes', async () => {
      const rand = seededRandom(7);
      for (const shape of [[5, 6, 7], [2, 9, 4], [1, 5, 5], [8, 3], [2, 2, 2]]) {
        for (const scheme of ['central', 'forward'] as const) {
          const size = shape.reduce((x, y) => x * y, 1);
          const data = Float32Array.from({ length: size }, () => (rand() < 0.3 ? 1 : 0));
          const mask = tf.tensor(data, [1, ...shape, 1]);
          const got = await params1(mask, scheme);
          assertClose(got.gammaMSa[0], referenceGammaMSa(data, shape, scheme), 1e-5, 1e-7, `${scheme} ${shape}`);
          assertClose(got.gammaVa[0], data.reduce((s, v) => s + v, 0) / size, 1e-6, 0, `gammaVa ${shape}`);
          mask.dispose();
        }
      }
    });

    it('reads the foreground channel of a one-hot 2-channel mask', async () => {
      const fg = maskFrom([4, 4, 4], (z, y, x) => z >= 1 && z < 3 && y >= 1 && y < 3 && x >= 1 && x < 3);
      const oneHot = tf.concat([tf.sub(1, fg), fg], -1);
      assertClose((await params1(oneHot)).gammaMSa[0], 0.48325317547305484, 1e-6, 0, 'gammaMSa');
      tf.dispose([fg, oneHot]);
    });
  });
}

describe('adaptiveParameters', () => {
  it('lets no gradient flow into the mask (device version, inside the gradient tape)', () => {
    const mask = maskFrom([4, 4], (y, x) => y === 1 && x < 2);
    const g = tf.grad((m: tf.Tensor) => {
      const p = adaptiveParametersOnDevice(m);
      return tf.add(tf.sum(tf.add(p.alphaVa, p.gammaAdaptive)), tf.sum(m)) as tf.Scalar;
    })(mask);
    assert.deepEqual(Array.from(g.dataSync()), new Array(16).fill(1));
    tf.dispose([mask, g]);
  });

  it('rejects a wrong rank, too many channels and an unknown scheme, naming the argument', async () => {
    const r3 = tf.zeros([4, 4, 4]);
    const c3 = tf.zeros([1, 4, 4, 3]);
    await assert.rejects(adaptiveParameters(r3), /Error in adaptiveParameters: mask must be rank 4 .* got rank 3 with shape \[4, 4, 4\]/);
    await assert.rejects(adaptiveParameters(c3), /mask must have 1 channel .* got 3 channels in shape \[1, 4, 4, 3\]/);
    await assert.rejects(adaptiveParameters(c3, { gradient: 'sobel' as 'central' }), /unsupported gradient "sobel"/);
    assert.throws(() => adaptiveParametersOnDevice(r3), /Error in adaptiveParametersOnDevice: mask must be rank 4 .* got rank 3/);
    assert.throws(() => adaptiveParametersOnDevice(c3), /mask must have 1 channel/);
    tf.dispose([r3, c3]);
  });

  it('leaves no tensor behind', async () => {
    const mask = maskFrom([3, 4, 5], (z) => z === 1);
    const before = tf.memory().numTensors;
    disposeAdaptiveParameters(await adaptiveParameters(mask));
    disposeAdaptiveParameters(adaptiveParametersOnDevice(mask));
    assert.equal(tf.memory().numTensors, before);
    mask.dispose();
  });
});
