import type * as tf from '@tensorflow/tfjs-core';
import { ConfusionCounts, confusionCounts, HardMetricOptions } from './confusion';

export interface OverlapScoreOptions extends HardMetricOptions {
  /**
   * MONAI's `ignore_empty`: with an empty ground truth the sample's score is NaN (default true); with false it is
   * 1 when the prediction is empty too, else 0.
   */
  ignoreEmpty?: boolean;
}

function ratio(num: number, den: number): number {
  return den === 0 ? NaN : num / den;
}

/** Dice `2 tp / (2 tp + fp + fn)` of one sample's counts. */
export function diceFromCounts(c: ConfusionCounts, ignoreEmpty = true): number {
  if (c.tp + c.fn === 0) return ignoreEmpty ? NaN : c.fp === 0 ? 1 : 0;
  return (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
}

/** IoU `tp / (tp + fp + fn)` of one sample's counts. */
export function iouFromCounts(c: ConfusionCounts, ignoreEmpty = true): number {
  if (c.tp + c.fn === 0) return ignoreEmpty ? NaN : c.fp === 0 ? 1 : 0;
  return c.tp / (c.tp + c.fp + c.fn);
}

/** Sensitivity `tp / (tp + fn)`, NaN for an empty ground truth. */
export function sensitivityFromCounts(c: ConfusionCounts): number {
  return ratio(c.tp, c.tp + c.fn);
}

/** Specificity `tn / (tn + fp)`, NaN when there is no background. */
export function specificityFromCounts(c: ConfusionCounts): number {
  return ratio(c.tn, c.tn + c.fp);
}

/**
 * Per-sample hard Dice (MONAI's `DiceMetric`): NaN for a sample whose ground truth is empty (see `ignoreEmpty`).
 * @example
 * const dice = await diceScore(mask, probabilities); // number[] of length B
 * const { mean, count } = meanOfValid(dice);
 */
export async function diceScore(yTrue: tf.Tensor, yPred: tf.Tensor, options: OverlapScoreOptions = {}): Promise<number[]> {
  return (await confusionCounts(yTrue, yPred, options)).map((c) => diceFromCounts(c, options.ignoreEmpty ?? true));
}

/** Per-sample hard IoU (MONAI's `MeanIoU`), NaN for an empty ground truth (see `ignoreEmpty`). */
export async function iouScore(yTrue: tf.Tensor, yPred: tf.Tensor, options: OverlapScoreOptions = {}): Promise<number[]> {
  return (await confusionCounts(yTrue, yPred, options)).map((c) => iouFromCounts(c, options.ignoreEmpty ?? true));
}

/** Per-sample sensitivity (recall), NaN for an empty ground truth. */
export async function sensitivity(yTrue: tf.Tensor, yPred: tf.Tensor, options: HardMetricOptions = {}): Promise<number[]> {
  return (await confusionCounts(yTrue, yPred, options)).map(sensitivityFromCounts);
}

/** Per-sample specificity, NaN for a sample with no background voxel. */
export async function specificity(yTrue: tf.Tensor, yPred: tf.Tensor, options: HardMetricOptions = {}): Promise<number[]> {
  return (await confusionCounts(yTrue, yPred, options)).map(specificityFromCounts);
}

function pooled(counts: ConfusionCounts[]): ConfusionCounts {
  return counts.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, tn: a.tn + c.tn, fn: a.fn + c.fn }), { tp: 0, fp: 0, tn: 0, fn: 0 });
}

/** MONAI's `ConfusionMatrixMetric(compute_sample=False)`: counts pooled over samples, then `tp / (tp + fn)`. */
export function pooledSensitivity(counts: ConfusionCounts[]): number {
  return sensitivityFromCounts(pooled(counts));
}

/** MONAI's `ConfusionMatrixMetric(compute_sample=False)`: counts pooled over samples, then `tn / (tn + fp)`. */
export function pooledSpecificity(counts: ConfusionCounts[]): number {
  return specificityFromCounts(pooled(counts));
}

/** Mean over the non-NaN values and how many counted; MONAI's convention: 0 when none counts. */
export function meanOfValid(values: readonly number[]): { mean: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      sum += v;
      count += 1;
    }
  }
  return { mean: count === 0 ? 0 : sum / count, count };
}
