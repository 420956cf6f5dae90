import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gradCheck, maxRelError, randomTensor } from '../testing/grad-check';
import { describeOnEachBackend } from '../testing/backends';

type Case = [string, number[], number[], (x: tf.Tensor, w: tf.Tensor) => tf.Tensor];

const CASES: Case[] = [
  ['conv2d stride 1 same', [1, 7, 6, 3], [3, 3, 3, 4], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')],
  ['conv2d stride 2 same, batch 2', [2, 7, 6, 3], [3, 3, 3, 4], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')],
  ['conv2d stride 1 same, batch 8 (conv formulation of the filter gradient)', [8, 5, 4, 3], [3, 3, 3, 2], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')],
  ['conv2d stride 1 same, 48x48 (row-band formulation of the filter gradient)', [1, 48, 48, 2], [3, 3, 2, 2], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')],
  ['conv2d stride 2 same, 16 rows, batch 2 (row bands)', [2, 16, 10, 3], [3, 3, 3, 2], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')],
  ['conv2d stride 2 valid', [1, 8, 7, 3], [3, 3, 3, 4], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid')],
  ['conv2d 7x7 stride 2 same (ResNet stem)', [1, 9, 8, 3], [7, 7, 3, 4], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')],
  ['conv2d 1x1 anisotropic stride [1, 2]', [1, 5, 6, 3], [1, 1, 3, 4], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [1, 2], 'same')],
  ['conv2dTranspose k2 s2', [1, 3, 4, 5], [2, 2, 3, 5], (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 6, 8, 3], 2, 'same')],
  ['conv2dTranspose k3 s2 same', [1, 3, 4, 5], [3, 3, 3, 5], (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 6, 8, 3], 2, 'same')],
  ['conv3d stride 1 same', [1, 5, 6, 4, 3], [3, 3, 3, 3, 2], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 1, 'same')],
  ['conv3d stride 2 same', [1, 6, 5, 7, 3], [3, 3, 3, 3, 2], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 2, 'same')],
  ['conv3d anisotropic [1, 2, 2] valid, batch 2', [2, 5, 6, 7, 2], [3, 3, 3, 2, 3], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, [1, 2, 2], 'valid')],
  ['conv3d k[1,3,3] stride [2, 1, 1] same', [1, 6, 5, 4, 2], [1, 3, 3, 2, 3], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, [2, 1, 1], 'same')],
  ['conv3dTranspose k2 s2', [1, 3, 2, 4, 5], [2, 2, 2, 3, 5], (x, w) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [1, 6, 4, 8, 3], 2, 'same')],
  ['conv3dTranspose k3 s1 same', [1, 3, 4, 4, 5], [3, 3, 3, 3, 5], (x, w) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [1, 3, 4, 4, 3], 1, 'same')],
  ['conv3dTranspose k3 s[1, 2, 2] same', [1, 3, 4, 4, 5], [3, 3, 3, 3, 5], (x, w) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [1, 3, 8, 8, 3], [1, 2, 2], 'same')],
];

// Both paths: the native addon (when built) and the tfjs formulations it falls back to.
describeOnEachBackend('convolution gradients', () => {
  for (const [name, xShape, wShape, f] of CASES) {
    it(`${name}: input and filter gradients match central differences`, () => {
      const x = randomTensor(xShape, 1);
      const w = randomTensor(wShape, 2);
      // Linear in each argument, so a large step is exact up to float32 rounding.
      const err = maxRelError(gradCheck(f, [x, w], { h: 0.5 }));
      tf.dispose([x, w]);
      assert.ok(err < 1e-4, `max relative error ${err}`);
    });
  }
});
