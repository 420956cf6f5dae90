import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteNumber, assertSameShape } from '../errors';
import { checkReduction, Reduction, reduceTable } from '../reduction';
import { overlapSums } from './probabilities';

export interface DiceLossOptions {
  /** Added to the numerator, default 1e-5. */
  smoothNr?: number;
  /** Added to the denominator, default 1e-5. */
  smoothDr?: number;
  /** Use `sum p^2` and `sum g^2` in the denominator. Default false. */
  squaredPred?: boolean;
  /** Sum over the batch as well before the ratio (one Dice per channel). Default false. */
  batch?: boolean;
  /** Jaccard (IoU) form: denominator `2 (sum p + sum g - tp)`. Default false. */
  jaccard?: boolean;
  /** `'mean'` (default) or `'sum'` over the `[B, C]` table (`[C]` with `batch`), `'none'` keeps the table. */
  reduction?: Reduction;
  /** `yPred` holds logits (default; sigmoid applied) or probabilities. */
  fromLogits?: boolean;
}

/**
 * Soft Dice loss with MONAI's `DiceLoss(sigmoid=True)` semantics, per sample and channel:
 * `1 - (2 tp + smoothNr) / (sum p + sum g + smoothDr)`, `tp = sum p g`, sums over the spatial axes (and the batch
 * with `batch: true`). With `jaccard: true`: `1 - (2 tp + smoothNr) / (2 (sum p + sum g - tp) + smoothDr)`.
 *
 * @see https://arxiv.org/abs/1606.04797
 * @example
 * const loss = diceLoss(mask, logits);                   // tf.Scalar
 * const perSample = diceLoss(mask, logits, { reduction: 'none' }); // [B, C]
 */
export function diceLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: DiceLossOptions = {}): tf.Tensor {
  return _diceLoss('diceLoss', yTrue, yPred, options);
}

/** IoU (Jaccard) loss: {@link diceLoss} with `jaccard: true`. */
export function iouLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: Omit<DiceLossOptions, 'jaccard'> = {}): tf.Tensor {
  return _diceLoss('iouLoss', yTrue, yPred, { ...options, jaccard: true });
}

export function _diceLoss(fn: string, yTrue: tf.Tensor, yPred: tf.Tensor, options: DiceLossOptions): tf.Tensor {
  const { smoothNr = 1e-5, smoothDr = 1e-5, squaredPred = false, batch = false, jaccard = false } = options;
  const { reduction = 'mean', fromLogits = true } = options;
  assertSameShape(fn, yTrue, yPred);
  assertFiniteNumber(fn, 'smoothNr', smoothNr, 0);
  assertFiniteNumber(fn, 'smoothDr', smoothDr, 0);
  checkReduction(fn, reduction);
  return tf.tidy(() => {
    const { tp, predSum, trueSum } = overlapSums(yTrue, yPred, fromLogits, batch, squaredPred);
    let denominator = tf.add(predSum, trueSum);
    if (jaccard) denominator = tf.mul(tf.sub(denominator, tp), 2);
    const score = tf.div(tf.add(tf.mul(tp, 2), smoothNr), tf.add(denominator, smoothDr));
    return reduceTable(tf.sub(1, score), reduction);
  });
}
