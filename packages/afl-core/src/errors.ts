import type * as tf from '@tensorflow/tfjs-core';

/** Builds the project's error message form: `Error in <fn>: <message>`. */
export function aflError(fn: string, message: string): Error {
  return new Error(`Error in ${fn}: ${message}`);
}

export function shapeOf(t: tf.Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

/**
 * Checks a channels-last segmentation tensor: rank 4 (`[B, H, W, C]`) or rank 5 (`[B, D, H, W, C]`).
 */
export function assertSegmentationRank(fn: string, name: string, t: tf.Tensor): void {
  if (t.rank !== 4 && t.rank !== 5) {
    throw aflError(
      fn,
      `${name} must be rank 4 [batch, H, W, channels] or rank 5 [batch, D, H, W, channels] (channels-last), got rank ${t.rank} with shape ${shapeOf(t)}.`,
    );
  }
}

export function assertSameShape(fn: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  assertSegmentationRank(fn, 'yTrue', yTrue);
  assertSegmentationRank(fn, 'yPred', yPred);
  const same = yTrue.rank === yPred.rank && yTrue.shape.every((d, i) => d === yPred.shape[i]);
  if (!same) {
    throw aflError(fn, `yTrue and yPred must have the same shape, got yTrue ${shapeOf(yTrue)} and yPred ${shapeOf(yPred)}.`);
  }
}

export function assertOneOf<T extends string>(fn: string, name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw aflError(fn, `unsupported ${name} ${JSON.stringify(value)}, available options are ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`);
  }
}

export function assertFiniteNumber(fn: string, name: string, value: number, min = -Infinity, max = Infinity): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity && max === Infinity ? 'a finite number' : `a number in [${min}, ${max}]`;
    throw aflError(fn, `${name} must be ${range}, got ${String(value)}.`);
  }
}
