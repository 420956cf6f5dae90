import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization } from '../layers/index';

/** Whether the active backend allows dataSync (webgpu in Node does not: no OffscreenCanvas). */
export function canReadSync(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/** [name, input shapes, f, finite-difference step, tolerance of the central-difference check]. */
export type OpCase = [string, number[][], (...xs: tf.Tensor[]) => tf.Tensor, number, number];

// [name, input shapes, f, finite-difference step, tolerance]. Piecewise-linear ops
// (relu, max pooling, nearest resize) use inputs whose kinks are further than h away
// with probability ~1 for these sizes and a small step.
export const OP_CASES: OpCase[] = [
  ['maxPool 2-D', [[1, 6, 6, 2]], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), 1e-3, 1e-2],
  ['avgPool 2-D', [[1, 6, 6, 2]], (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'same'), 0.5, 1e-4],
  ['maxPool3d', [[1, 4, 4, 6, 2]], (x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid'), 1e-3, 1e-2],
  ['maxPool3d [2, 2, 2] forward equals the window maxima', [[2, 4, 4, 6, 3]], (x) => {
    // Reference: the max of the 8 strided sub-grids (phase slices), by elementwise maximum.
    const got = tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid');
    if (!canReadSync()) return got; // webgpu: compared with cpu's output instead
    const parts: tf.Tensor[] = [];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) {
      parts.push(tf.stridedSlice(x, [0, a, b, c, 0], [2, 4, 4, 6, 3], [1, 2, 2, 2, 1]));
    }
    const ref = parts.reduce((m, p) => tf.maximum(m, p));
    if (tf.max(tf.abs(tf.sub(got, ref))).dataSync()[0] !== 0) throw new Error('maxPool3d differs from the window maxima');
    return got;
  }, 1e-3, 1e-2],
  ['conv3d + bias (per-channel Add), batch 2', [[2, 3, 4, 4, 2], [3, 3, 3, 2, 3], [3]], (x, w, b) => tf.add(tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 1, 'same'), b), 0.5, 1e-4],
  ['sum over the spatial axes of a batch of 1 (bias gradient shape)', [[1, 3, 4, 5, 2]], (x) => tf.mul(tf.sum(x, [1, 2, 3]), tf.tensor2d([[1.5, -2]])), 0.5, 1e-4],
  ['maxPool3d anisotropic [1, 2, 2]', [[1, 3, 4, 4, 2]], (x) => tf.maxPool3d(x as tf.Tensor5D, [1, 2, 2], [1, 2, 2], 'valid'), 1e-3, 1e-2],
  ['avgPool3d', [[1, 4, 4, 4, 2]], (x) => tf.avgPool3d(x as tf.Tensor5D, 2, 2, 'valid'), 0.5, 1e-4],
  ['concat + split rank 5 (channels)', [[1, 2, 3, 4, 2], [1, 2, 3, 4, 3]], (a, b) => {
    const [p, q] = tf.split(tf.concat([a, b], 4), [4, 1], 4);
    return tf.add(tf.mul(p, 2), tf.sum(q));
  }, 0.5, 1e-4],
  ['concat rank 4 (channels)', [[1, 3, 4, 2], [1, 3, 4, 3]], (a, b) => tf.concat([a, b], 3), 0.5, 1e-4],
  ['add, multiply with broadcasting', [[1, 2, 3, 4, 2], [2]], (a, b) => tf.mul(tf.add(a, b), a), 1e-2, 5e-3],
  ['sigmoid', [[2, 3, 4, 2]], (x) => tf.sigmoid(x), 1e-2, 5e-3],
  ['relu', [[2, 3, 4, 2]], (x) => tf.relu(x), 1e-3, 1e-2],
  ['resizeBilinear x2', [[1, 3, 4, 2]], (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [6, 8]), 0.5, 1e-4],
  ['resizeBilinear half-pixel x2', [[1, 3, 4, 2]], (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [6, 8], false, true), 0.5, 1e-4],
  ['resizeNearestNeighbor x2', [[1, 3, 4, 2]], (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 8]), 0.5, 1e-4],
  ['upSampling2d bilinear layer', [[1, 3, 4, 2]], (x) => tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(x) as tf.Tensor, 0.5, 1e-4],
  ['upSampling2d nearest layer', [[1, 3, 4, 2]], (x) => tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.Tensor, 0.5, 1e-4],
  ['softmax', [[2, 3, 4, 3]], (x) => tf.softmax(x), 1e-2, 5e-3],
  ['batchNorm rank 4 (FusedBatchNorm gradient, through moments)', [[2, 3, 4, 3], [3], [3]], (x, g, b) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, b, g, 1e-3);
  }, 1e-2, 2e-2],
  ['batchNormalization layer rank 5, training', [[2, 2, 3, 4, 3]], (x) => batchNormalization({}).apply(x, { training: true }) as tf.Tensor, 1e-2, 2e-2],
];

/** [name, input shape, filter shape, f(x, w)]: linear in each argument. */
export type ConvCase = [string, number[], number[], (x: tf.Tensor, w: tf.Tensor) => tf.Tensor];

export const CONV_CASES: ConvCase[] = [
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
