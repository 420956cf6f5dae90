import * as tf from '@tensorflow/tfjs-core';

const PROB_EPSILON = 1e-7;

/** `log(sigmoid(x)) = -softplus(-x)`, finite and with finite gradient for any finite x. */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}

/** Returns logits: `yPred` itself, or `log(p) - log(1 - p)` of probabilities clipped to `[1e-7, 1 - 1e-7]`. */
export function toLogits(yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (fromLogits) return yPred;
  const p = tf.clipByValue(yPred, PROB_EPSILON, 1 - PROB_EPSILON);
  return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
}

/** Per-voxel binary cross-entropy from logits: `t * softplus(-x) + (1 - t) * softplus(x)`. */
export function bceWithLogits(target: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const pos = tf.mul(target, tf.softplus(tf.neg(logits)));
  const neg = tf.mul(tf.sub(1, target), tf.softplus(logits));
  return tf.add(pos, neg);
}

/**
 * Per-voxel sigmoid focal term `w * (1 - pt)^gamma * BCE(x, t)`, with the modulating factor computed in log space,
 * `(1 - pt)^gamma = exp(gamma * logSigmoid(-x * (2t - 1)))`, so that a tiny gamma at a saturated logit gives neither
 * NaN nor an infinite gradient (a plain `pow(1 - p, gamma)` does both).
 *
 * @param gamma scalar, or a tensor broadcastable to `logits` (e.g. `[B, 1, 1, 1, 1]` per sample).
 * @param weights `[wForeground, wBackground]`: weight on `t = 1` and on `t = 0` voxels (each a number or a broadcastable tensor); null for none.
 */
export function sigmoidFocalTerms(
  target: tf.Tensor,
  logits: tf.Tensor,
  gamma: number | tf.Tensor,
  weights: [number | tf.Tensor, number | tf.Tensor] | null,
): tf.Tensor {
  const bce = bceWithLogits(target, logits);
  const signedLogits = tf.mul(logits, tf.sub(tf.mul(target, 2), 1));
  const logOneMinusPt = logSigmoid(tf.neg(signedLogits));
  let loss = tf.mul(tf.exp(tf.mul(logOneMinusPt, gamma)), bce);
  if (weights !== null) {
    const [wFg, wBg] = weights;
    const w = tf.add(tf.mul(target, wFg), tf.mul(tf.sub(1, target), wBg));
    loss = tf.mul(loss, w);
  }
  return loss;
}
