import * as tf from '@tensorflow/tfjs-core';

/** Sum `t` down to `shape` (the broadcast shape of a parameter), as the chain rule of broadcasting requires. */
export function sumToShape(t: tf.Tensor, shape: number[]): tf.Tensor {
  if (shape.length === 1 && t.shape[t.rank - 1] === shape[0]) {
    // Channels-last parameter: collapse to [M, C] and reduce the rows.
    const c = shape[0];
    return tf.sum(tf.reshape(t, [-1, c]), 0);
  }
  const axes: number[] = [];
  const lead = t.rank - shape.length;
  for (let i = 0; i < t.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && t.shape[i] !== 1)) axes.push(i);
  }
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

/**
 * Gradient of `FusedBatchNorm` (y = (x - mean) * rsqrt(variance + eps) * scale + offset)
 * that broadcasts the per-channel parameters instead of tiling them to the
 * size of x as tfjs-core 4.22 does (a generic Tile that took ~20 ms per layer on wasm).
 */
export const batchNormGrad: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const g = dy as tf.Tensor;
    const r = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const s = scale ?? tf.scalar(1);
    const gs = () => tf.mul(g, s);
    return {
      x: () => tf.mul(g, tf.mul(r, s)),
      mean: () => tf.neg(tf.mul(sumToShape(gs(), mean.shape), r)),
      variance: () => tf.mul(sumToShape(tf.mul(gs(), tf.sub(x, mean)), variance.shape), tf.mul(tf.pow(r, 3), -0.5)),
      scale: () => sumToShape(tf.mul(g, tf.mul(tf.sub(x, mean), r)), (scale ?? mean).shape),
      offset: () => sumToShape(g, mean.shape),
    };
  },
};
