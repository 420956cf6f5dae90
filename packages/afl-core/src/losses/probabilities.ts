import * as tf from '@tensorflow/tfjs-core';
import { spatialAxes } from '../reduction';

/** `sigmoid(yPred)` for logits, `yPred` itself for probabilities. */
export function toProbabilities(yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  const x = tf.cast(yPred, 'float32');
  return fromLogits ? tf.sigmoid(x) : x;
}

/**
 * The sums every overlap loss needs, per sample and channel (and over the batch with `batch`): `tp = Σ p g`,
 * `predSum = Σ p` and `trueSum = Σ g` (`Σ p²`, `Σ g²` with `squared`), over the spatial axes of channels-last tensors.
 */
export function overlapSums(yTrue: tf.Tensor, yPred: tf.Tensor, fromLogits: boolean, batch: boolean, squared = false): { tp: tf.Tensor; predSum: tf.Tensor; trueSum: tf.Tensor } {
  const g = tf.cast(yTrue, 'float32');
  const p = toProbabilities(yPred, fromLogits);
  const axes = batch ? [0, ...spatialAxes(p.rank)] : spatialAxes(p.rank);
  return {
    tp: tf.sum(tf.mul(p, g), axes),
    predSum: tf.sum(squared ? tf.square(p) : p, axes),
    trueSum: tf.sum(squared ? tf.square(g) : g, axes),
  };
}
