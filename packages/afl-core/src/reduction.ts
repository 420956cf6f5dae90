import * as tf from '@tensorflow/tfjs-core';
import { assertOneOf } from './errors';

/** The one reduction vocabulary of the package (as MONAI's `LossReduction`). */
export type Reduction = 'none' | 'mean' | 'sum';
export const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

export function checkReduction(fn: string, reduction: Reduction): void {
  assertOneOf(fn, 'reduction', reduction, REDUCTIONS);
}

/** Reduces a `[B, C]` (or `[B]`) table of per-sample values: `none` keeps it, `mean`/`sum` give a scalar. */
export function reduceTable(values: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'none') return values;
  return reduction === 'mean' ? tf.mean(values) : tf.sum(values);
}

/** The spatial axes of a channels-last tensor `[B, ...spatial, C]`. */
export function spatialAxes(rank: number): number[] {
  return Array.from({ length: rank - 2 }, (_, i) => i + 1);
}
