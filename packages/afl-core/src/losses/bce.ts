import * as tf from '@tensorflow/tfjs-core';
import { assertSameShape } from '../errors';
import { checkReduction, Reduction } from '../reduction';
import { spatialMeanTable } from './focal';
import { bceWithLogits, toLogits } from './sigmoid-terms';

export interface BceLossOptions {
  /**
   * `'mean'` (default): mean over every element (PyTorch's `BCEWithLogitsLoss`, as in MONAI's `DiceCELoss`);
   * `'sum'`: sum over every element (PyTorch's `sum`); `'none'`: the `[B, C]` table of spatial means.
   */
  reduction?: Reduction;
  /** `yPred` holds logits (default) or probabilities. */
  fromLogits?: boolean;
}

/**
 * Binary cross-entropy on logits, computed stably as `t softplus(-x) + (1 - t) softplus(x)`.
 * Equal to {@link focalLoss} with `gamma = 0` and no alpha.
 *
 * @example
 * const loss = bceLoss(mask, logits); // tf.Scalar
 */
export function bceLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: BceLossOptions = {}): tf.Tensor {
  const fn = 'bceLoss';
  const { reduction = 'mean', fromLogits = true } = options;
  assertSameShape(fn, yTrue, yPred);
  checkReduction(fn, reduction);
  return tf.tidy(() => {
    const lossMap = bceWithLogits(tf.cast(yTrue, 'float32'), toLogits(tf.cast(yPred, 'float32'), fromLogits));
    if (reduction === 'mean') return tf.mean(lossMap);
    return reduction === 'sum' ? tf.sum(lossMap) : spatialMeanTable(lossMap);
  });
}
