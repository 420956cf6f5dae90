import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertFiniteNumber, assertSameShape } from '../errors';
import { checkReduction, Reduction, reduceTable } from '../reduction';
import { overlapSums } from './probabilities';

export interface TverskyLossOptions {
  /** Weight of false positives, default 0.5. */
  alpha?: number;
  /** Weight of false negatives, default 0.5. */
  beta?: number;
  /** Added to the numerator, default 1e-5. */
  smoothNr?: number;
  /** Added to the denominator, default 1e-5. */
  smoothDr?: number;
  /** Sum over the batch as well before the ratio. Default false. */
  batch?: boolean;
  /** `'mean'` (default), `'sum'` or `'none'` (the `[B, C]` table, `[C]` with `batch`). */
  reduction?: Reduction;
  /** `yPred` holds logits (default; sigmoid applied) or probabilities. */
  fromLogits?: boolean;
}

/**
 * Tversky loss with MONAI's `TverskyLoss(sigmoid=True)` semantics, per sample and channel:
 * `1 - (tp + smoothNr) / (tp + alpha fp + beta fn + smoothDr)`, `fp = sum p (1 - g)`, `fn = sum (1 - p) g`.
 * `alpha = beta = 0.5` is the Dice loss.
 *
 * @see https://arxiv.org/abs/1706.05721
 * @example
 * const loss = tverskyLoss(mask, logits, { alpha: 0.3, beta: 0.7 });
 */
export function tverskyLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: TverskyLossOptions = {}): tf.Tensor {
  const fn = 'tverskyLoss';
  const { alpha = 0.5, beta = 0.5, smoothNr = 1e-5, smoothDr = 1e-5, batch = false } = options;
  const { reduction = 'mean', fromLogits = true } = options;
  assertSameShape(fn, yTrue, yPred);
  assertFiniteNumber(fn, 'alpha', alpha, 0);
  assertFiniteNumber(fn, 'beta', beta, 0);
  if (alpha + beta <= 0) throw aflError(fn, `alpha + beta must be > 0, got ${alpha + beta}.`);
  checkReduction(fn, reduction);
  return tf.tidy(() => {
    const { tp, predSum, trueSum } = overlapSums(yTrue, yPred, fromLogits, batch);
    const fp = tf.sub(predSum, tp);
    const fnCount = tf.sub(trueSum, tp);
    const denominator = tf.add(tf.add(tp, tf.mul(fp, alpha)), tf.mul(fnCount, beta));
    const score = tf.div(tf.add(tp, smoothNr), tf.add(denominator, smoothDr));
    return reduceTable(tf.sub(1, score), reduction);
  });
}
