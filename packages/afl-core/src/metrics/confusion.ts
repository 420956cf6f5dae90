import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertFiniteNumber, assertSameShape, shapeOf } from '../errors';
import { assertBinary } from '../losses/adaptive-focal';
import { spatialAxes } from '../reduction';

/** Voxel counts of one sample. */
export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface HardMetricOptions {
  /** Foreground where `yPred > threshold`. Default 0.5 (probabilities or a binary mask; use 0 for logits). */
  threshold?: number;
}

/**
 * Per-sample confusion counts of a binarised prediction against a binary ground truth (the tumour channel), read
 * asynchronously from the device (two reads: the binary check and the counts).
 *
 * @param yTrue `[B, ...spatial, 1]`, 0/1.
 * @param yPred `[B, ...spatial, 1]`, probabilities or a binary mask (foreground where `> threshold`).
 */
export async function confusionCounts(yTrue: tf.Tensor, yPred: tf.Tensor, options: HardMetricOptions = {}): Promise<ConfusionCounts[]> {
  const fn = 'confusionCounts';
  const { threshold = 0.5 } = options;
  assertSameShape(fn, yTrue, yPred);
  assertFiniteNumber(fn, 'threshold', threshold);
  if (yTrue.shape[yTrue.rank - 1] !== 1) {
    throw aflError(fn, `the hard metrics score one (tumour) channel: yTrue and yPred must have 1 channel, got ${shapeOf(yTrue)}.`);
  }
  await assertBinary(fn, 'yTrue', yTrue);
  const counts = tf.tidy(() => {
    const g = tf.cast(yTrue, 'float32');
    const p = tf.cast(tf.greater(yPred, threshold), 'float32');
    const axes = [...spatialAxes(g.rank), g.rank - 1];
    const tp = tf.sum(tf.mul(p, g), axes);
    const predPos = tf.sum(p, axes);
    const truePos = tf.sum(g, axes);
    return tf.stack([tp, predPos, truePos], 1);
  });
  const values = await counts.data();
  counts.dispose();
  const voxels = yTrue.size / yTrue.shape[0];
  const out: ConfusionCounts[] = [];
  for (let b = 0; b < yTrue.shape[0]; b++) {
    const tp = values[3 * b];
    const fp = values[3 * b + 1] - tp;
    const fnCount = values[3 * b + 2] - tp;
    out.push({ tp, fp, fn: fnCount, tn: voxels - tp - fp - fnCount });
  }
  return out;
}
