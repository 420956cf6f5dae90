import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteNumber, assertSameShape } from '../errors';
import { checkReduction, Reduction, spatialAxes } from '../reduction';
import { sigmoidFocalTerms, toLogits } from './sigmoid-terms';

export interface FocalLossOptions {
  /** Focusing exponent, default 2. `gamma = 0` without alpha is binary cross-entropy. */
  gamma?: number;
  /** Class weight: `alpha` on foreground voxels, `1 - alpha` on background voxels; `null` (default) for none. */
  alpha?: number | null;
  /**
   * `'mean'` (default): mean over every element; `'sum'`: mean over the spatial axes, then sum over batch and
   * channels (MONAI's `sum`); `'none'`: the `[B, C]` table of spatial means.
   */
  reduction?: Reduction;
  /** `yPred` holds logits (default) or probabilities. */
  fromLogits?: boolean;
}

/** Per-sample, per-channel spatial means `[B, C]` of an elementwise loss map `[B, ...spatial, C]`. */
export function spatialMeanTable(lossMap: tf.Tensor): tf.Tensor {
  const [batch, channels] = [lossMap.shape[0], lossMap.shape[lossMap.rank - 1]];
  if (channels === 1) return tf.mean(tf.reshape(lossMap, [batch, -1]), 1, true);
  return tf.mean(lossMap, spatialAxes(lossMap.rank));
}

/**
 * Sigmoid focal loss (Lin et al. 2017) with MONAI's `FocalLoss(use_softmax=False)` semantics:
 * `FL(pt) = -w (1 - pt)^gamma log(pt)`, `p = sigmoid(logit)`, `pt = p` where the target is 1 and `1 - p` where it is 0,
 * `w = alpha` on foreground and `1 - alpha` on background voxels when `alpha` is given.
 *
 * @param yTrue channels-last target `[B, ...spatial, C]`, 0/1.
 * @param yPred logits (or probabilities with `fromLogits: false`), same shape.
 * @see https://arxiv.org/abs/1708.02002
 * @example
 * const loss = focalLoss(mask, logits, { gamma: 2, alpha: 0.25 }); // tf.Scalar
 */
export function focalLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: FocalLossOptions = {}): tf.Tensor {
  const fn = 'focalLoss';
  const { gamma = 2, alpha = null, reduction = 'mean', fromLogits = true } = options;
  assertSameShape(fn, yTrue, yPred);
  assertFiniteNumber(fn, 'gamma', gamma, 0);
  if (alpha !== null) assertFiniteNumber(fn, 'alpha', alpha, 0, 1);
  checkReduction(fn, reduction);
  return tf.tidy(() => {
    const target = tf.cast(yTrue, 'float32');
    const logits = toLogits(tf.cast(yPred, 'float32'), fromLogits);
    const weights: [number, number] | null = alpha === null ? null : [alpha, 1 - alpha];
    return reduceFocalMap(sigmoidFocalTerms(target, logits, gamma, weights), reduction);
  });
}

/** MONAI's focal reductions of an elementwise map. */
export function reduceFocalMap(lossMap: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'mean') return tf.mean(lossMap);
  const table = spatialMeanTable(lossMap);
  return reduction === 'sum' ? tf.sum(table) : table;
}
