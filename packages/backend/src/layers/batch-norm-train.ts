import * as tf from '@tensorflow/tfjs-core';
import { dataView } from '../kernels/reduce-leading';

/** Per-channel sums of x and x^2 of a [M, C] float32 tensor, float64 accumulators. */
function channelMoments(x: tf.Tensor2D): { mean: Float64Array; variance: Float64Array } {
  const [m, c] = x.shape;
  const v = dataView(x);
  const s1 = new Float64Array(c);
  const s2 = new Float64Array(c);
  for (let i = 0, o = 0; i < m; i++, o += c) {
    for (let j = 0; j < c; j++) {
      const e = v[o + j];
      s1[j] += e;
      s2[j] += e * e;
    }
  }
  for (let j = 0; j < c; j++) {
    s1[j] /= m;
    s2[j] = Math.max(0, s2[j] / m - s1[j] * s1[j]);
  }
  return { mean: s1, variance: s2 };
}

/** Per-channel sums of dy and dy * x ([M, C] each). */
function channelDySums(dy: tf.Tensor2D, x: tf.Tensor2D): { sDy: Float64Array; sDyX: Float64Array } {
  const [m, c] = x.shape;
  const g = dataView(dy);
  const sDy = new Float64Array(c);
  const sDyX = new Float64Array(c);
  // Take the second view after the first read: a heap view is valid until the next allocation.
  const v = dataView(x);
  for (let i = 0, o = 0; i < m; i++, o += c) {
    for (let j = 0; j < c; j++) {
      const d = g[o + j];
      sDy[j] += d;
      sDyX[j] += d * v[o + j];
    }
  }
  return { sDy, sDyX };
}

const f32 = (a: ArrayLike<number>) => tf.tensor1d(Float32Array.from(a));

/**
 * Training-mode batch normalisation of x [M, C] (channels last, all other axes
 * folded into M) with one analytic backward pass:
 *
 *   y = gamma * (x - mu) / sqrt(var + eps) + beta
 *   dx = gamma r (dy - mean(dy) - xhat * mean(dy * xhat)),  r = 1 / sqrt(var + eps)
 *
 * Moments and the two backward reductions are single JS passes over the
 * backend's memory; the elementwise parts are broadcasting tf ops. Replaces the
 * ~20 tf ops (moments, batchNorm and their gradients) of the stock layer.
 * Returns y and the batch mean and (biased) variance, for the moving averages.
 */
export function batchNormTrain(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor2D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const [m, c] = x.shape;
  const { mean, variance } = channelMoments(x);
  const r = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  const fn = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const gv = g.dataSync();
    const a = f32(r.map((rj, j) => rj * gv[j]));
    const shift = tf.sub(b, tf.mul(a, f32(mean)));
    save([xi, g]);
    const value = tf.add(tf.mul(xi, a), shift);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs] = saved as [tf.Tensor2D, tf.Tensor1D];
        const gam = gs.dataSync();
        const { sDy, sDyX } = channelDySums(dy as tf.Tensor2D, xs);
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
        const dx = tf.add(tf.add(tf.mul(dy, tf.tensor1d(aa)), tf.mul(xs, tf.tensor1d(cc))), tf.tensor1d(dd));
        return [dx, tf.tensor1d(dGamma), tf.tensor1d(Float32Array.from(sDy))];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = fn(x, gamma, beta) as tf.Tensor2D;
  return { y, mean: f32(mean), variance: f32(variance) };
}
