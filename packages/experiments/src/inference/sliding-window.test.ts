import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { importanceMap, slidingWindowInference, windowStarts } from './sliding-window';

describe('slidingWindowInference', () => {
  it("places windows as MONAI does (interval roi·(1-overlap), last flush with the end)", () => {
    assert.deepEqual(windowStarts(10, 4, 0.25), [0, 3, 6]);
    assert.deepEqual(windowStarts(10, 4, 0.5), [0, 2, 4, 6]);
    assert.deepEqual(windowStarts(11, 4, 0.25), [0, 3, 6, 7]);
    assert.deepEqual(windowStarts(4, 4, 0.25), [0]);
    assert.deepEqual(windowStarts(3, 4, 0.25), [0]);
  });

  it('reproduces a pointwise predictor exactly on a volume larger and one smaller than the window', async () => {
    for (const shape of [[1, 7, 9, 11, 2], [1, 3, 5, 2]]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const roi = shape.length === 5 ? [4, 4, 5] : [4, 4];
      const f = (w: tf.Tensor) => tf.concat([tf.mul(w, 2), tf.sum(w, -1, true)], -1);
      const got = await slidingWindowInference(x, roi, f);
      const want = f(x);
      assert.deepEqual(got.shape, want.shape);
      const a = await got.data();
      const b = await want.data();
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `voxel ${i}: ${a[i]} vs ${b[i]}`);
      tf.dispose([x, got, want]);
    }
  });

  it('averages overlapping windows with the Gaussian weights (hand-worked, 1-D-like case)', async () => {
    // Windows [0, 4) and [2, 6) of a 1×6 image; the predictor returns the window's start everywhere.
    const x = tf.zeros([1, 1, 6, 1]);
    let calls = 0;
    const starts: number[] = [];
    const f = (w: tf.Tensor) => {
      const s = calls++ === 0 ? 0 : 2;
      starts.push(s);
      return tf.fill(w.shape, s);
    };
    const got = Array.from(await (await slidingWindowInference(x, [1, 4], f, { overlap: 0.5 })).data());
    const g = importanceMap([1, 4], 'gaussian', 0.125);
    const expected = [0, 0, (0 * g[2] + 2 * g[0]) / (g[2] + g[0]), (0 * g[3] + 2 * g[1]) / (g[3] + g[1]), 2, 2];
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `voxel ${i}: ${v} vs ${expected[i]}`));
    assert.deepEqual(starts, [0, 2]);
    assert.equal(Math.max(...g), 1);
    assert.ok(Math.min(...g) > 0);
    x.dispose();
  });

  it('rejects a batch larger than one and mismatched ranks', async () => {
    const x = tf.zeros([2, 4, 4, 1]);
    await assert.rejects(slidingWindowInference(x, [2, 2], (w) => w), /image must be \[1, \.\.\.spatial, C\]/);
    x.dispose();
  });
});
