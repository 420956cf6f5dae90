import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertFiniteNumber, assertSegmentationRank, shapeOf } from '../errors';
import { foregroundOf } from '../losses/adaptive-parameters';
import { spatialAxes } from '../reduction';

export interface AuthorsSoftMetricOptions {
  /** `yPred` holds logits (default; sigmoid applied per channel) or probabilities. */
  fromLogits?: boolean;
  /** Added to numerator and denominator, default 1e-5. */
  smooth?: number;
}

/**
 * Two-channel probabilities and one-hot targets `[B, ...spatial, 2]`: a 2-channel `yPred` is used as it is
 * (sigmoid per channel), a 1-channel one becomes `[1 - p, p]`.
 */
function twoChannel(fn: string, yTrue: tf.Tensor, yPred: tf.Tensor, fromLogits: boolean): [tf.Tensor, tf.Tensor] {
  assertSegmentationRank(fn, 'yPred', yPred);
  const cPred = yPred.shape[yPred.rank - 1];
  const sameSpatial = yTrue.rank === yPred.rank && yTrue.shape.slice(0, -1).every((d, i) => d === yPred.shape[i]);
  if ((cPred !== 1 && cPred !== 2) || !sameSpatial) {
    throw aflError(fn, `yPred must be [batch, ...spatial, 1 or 2] with yTrue's batch and spatial size, got yTrue ${shapeOf(yTrue)} and yPred ${shapeOf(yPred)}.`);
  }
  const fg = tf.expandDims(foregroundOf(fn, yTrue), -1);
  const g = tf.concat([tf.sub(1, fg), fg], -1);
  const x = tf.cast(yPred, 'float32');
  const p1 = fromLogits ? tf.sigmoid(x) : x;
  const p = cPred === 2 ? p1 : tf.concat([tf.sub(1, p1), p1], -1);
  return [g, p];
}

async function perCase(fn: string, yTrue: tf.Tensor, yPred: tf.Tensor, options: AuthorsSoftMetricOptions, jaccard: boolean): Promise<number[]> {
  const { fromLogits = true, smooth = 1e-5 } = options;
  assertFiniteNumber(fn, 'smooth', smooth, 0);
  const scores = tf.tidy(() => {
    const [g, p] = twoChannel(fn, yTrue, yPred, fromLogits);
    const axes = spatialAxes(g.rank);
    const inter = tf.sum(tf.mul(p, g), axes);
    const squares = tf.add(tf.sum(tf.square(p), axes), tf.sum(tf.square(g), axes));
    const score = jaccard
      ? tf.div(tf.add(inter, smooth), tf.add(tf.sub(squares, inter), smooth))
      : tf.div(tf.add(tf.mul(inter, 2), smooth), tf.add(squares, smooth));
    return tf.mean(score, 1);
  });
  const out = Array.from(await scores.data());
  scores.dispose();
  return out;
}

/**
 * Soft Dice as the authors' published code reported it, per case: sigmoid probabilities (not thresholded), squared
 * denominators, smoothing 1e-5, averaged over the background and tumour channels:
 * `mean_c (2 Σ p_c g_c + s) / (Σ p_c² + Σ g_c² + s)`.
 *
 * Unlike {@link diceScore} (hard, tumour only, NaN on an empty mask) this counts the background channel, which is
 * near 1 on every case, so it reads higher than the standard Dice and is never NaN.
 */
export async function authorsSoftDice(yTrue: tf.Tensor, yPred: tf.Tensor, options: AuthorsSoftMetricOptions = {}): Promise<number[]> {
  return perCase('authorsSoftDice', yTrue, yPred, options, false);
}

/**
 * Soft IoU as the authors' code reported it: `mean_c (Σ p_c g_c + s) / (Σ p_c² + Σ g_c² - Σ p_c g_c + s)`, over the
 * background and tumour channels; see {@link authorsSoftDice} for how it differs from the standard metric.
 */
export async function authorsSoftIoU(yTrue: tf.Tensor, yPred: tf.Tensor, options: AuthorsSoftMetricOptions = {}): Promise<number[]> {
  return perCase('authorsSoftIoU', yTrue, yPred, options, true);
}
