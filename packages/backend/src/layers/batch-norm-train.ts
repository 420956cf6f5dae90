import * as tf from '@tensorflow/tfjs-core';
import { affineChannels, channelSumAndDot } from '../native/channel-ops';

/** Per-channel mean and (biased) variance of a [M, C] float32 tensor, float64 accumulators. */
function channelMoments(x: tf.Tensor2D): { mean: Float64Array; variance: Float64Array } {
  const [m, c] = x.shape;
  const { sum: s1, dot: s2 } = channelSumAndDot(x, c, x);
  for (let j = 0; j < c; j++) {
    s1[j] /= m;
    s2[j] = Math.max(0, s2[j] / m - s1[j] * s1[j]);
  }
  return { mean: s1, variance: s2 };
}

const f32 = (a: ArrayLike<number>) => tf.tensor1d(Float32Array.from(a));

/** Backends whose tensors can be read synchronously (dataSync); elsewhere (webgpu) only tf ops are used. */
const HOST_MEMORY_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * `batchNormTrain` in tf ops only (no synchronous reads), for GPU backends:
 * the same formulas, moments in float32 on the device, the same analytic
 * backward pass as one customGrad.
 */
export function batchNormTrainOps(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor2D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const m = x.shape[0];
  const { mean, variance } = tf.moments(x, 0);
  const r = tf.rsqrt(tf.add(variance, epsilon));
  const fn = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    // The closure's mean and r are disposed with the caller's tidy before backward: save (clone + keep) them.
    save([xi, g, mean, r]);
    return {
      value: tf.add(tf.mul(tf.mul(tf.sub(xi, mean), r), g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, mu, r] = saved;
        const xh = tf.mul(tf.sub(xs, mu), r);
        const sDy = tf.sum(dy, 0);
        const sDyXhat = tf.sum(tf.mul(dy, xh), 0);
        const inner = tf.sub(tf.sub(dy, tf.div(sDy, m)), tf.mul(xh, tf.div(sDyXhat, m)));
        return [tf.mul(inner, tf.mul(gs, r)), sDyXhat, sDy];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = fn(x, gamma, beta) as tf.Tensor2D;
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/**
 * Training-mode batch normalisation of x [M, C] (channels last, all other axes
 * folded into M) with one analytic backward pass:
 *
 *   y = gamma * (x - mu) / sqrt(var + eps) + beta
 *   dx = gamma r (dy - mean(dy) - xhat * mean(dy * xhat)),  r = 1 / sqrt(var + eps)
 *
 * Moments, the backward reductions and the two per-channel affine maps are
 * single passes over the backend's memory (native when the addon is active,
 * else JS loops and broadcasting tf ops). Replaces the
 * ~20 tf ops (moments, batchNorm and their gradients) of the stock layer.
 * Returns y and the batch mean and (biased) variance, for the moving averages.
 */
export function batchNormTrain(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor2D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (!HOST_MEMORY_BACKENDS.has(tf.getBackend())) return batchNormTrainOps(x, gamma, beta, epsilon);
  const [m, c] = x.shape;
  const { mean, variance } = channelMoments(x);
  const r = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  const fn = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const gv = g.dataSync();
    const bv = b.dataSync();
    const a = Float32Array.from(r, (rj, j) => rj * gv[j]);
    const shift = Float32Array.from(a, (aj, j) => bv[j] - aj * mean[j]);
    save([xi, g]);
    const value = affineChannels(xi, a, shift);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs] = saved as [tf.Tensor2D, tf.Tensor1D];
        const gam = gs.dataSync();
        const { sum: sDy, dot: sDyX } = channelSumAndDot(dy, c, xs);
        const aa = new Float32Array(c);
        const cc = new Float32Array(c);
        const dd = new Float32Array(c);
        const dGamma = new Float32Array(c);
        for (let j = 0; j < c; j++) {
          const sXhatDy = r[j] * (sDyX[j] - mean[j] * sDy[j]);
          const k = sXhatDy / m;
          aa[j] = gam[j] * r[j];
          cc[j] = -gam[j] * r[j] * r[j] * k;
          dd[j] = -gam[j] * r[j] * (sDy[j] / m) - cc[j] * mean[j];
          dGamma[j] = sXhatDy;
        }
        const dx = affineChannels(dy, aa, dd, xs, cc);
        return [dx, tf.tensor1d(dGamma), tf.tensor1d(Float32Array.from(sDy))];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = fn(x, gamma, beta) as tf.Tensor2D;
  return { y, mean: f32(mean), variance: f32(variance) };
}
