import * as tf from '@tensorflow/tfjs-core';

/** `sigmoid(yPred)` for logits, `yPred` itself for probabilities. */
export function toProbabilities(yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  const x = tf.cast(yPred, 'float32');
  return fromLogits ? tf.sigmoid(x) : x;
}
