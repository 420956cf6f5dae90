import * as tf from '@tensorflow/tfjs-core';
import { dataView, writeTensorMulti } from '../kernels/raw-memory';
import { activeNativeAddon } from './native-addon';

/**
 * Per-channel sums over the rows of x [M, C] (float32 data, float64
 * accumulators) and, with y, of x * y in the same pass: native when the addon
 * is active, else a JS loop over the backend's memory.
 */
export function channelSumAndDot(x: tf.Tensor, channels: number, y?: tf.Tensor): { sum: Float64Array; dot: Float64Array } {
  const sum = new Float64Array(channels);
  const dot = new Float64Array(y == null ? 0 : channels);
  const addon = activeNativeAddon();
  // Views are taken after any allocation (a wasm heap view is valid until the next one).
  const vx = dataView(x);
  const vy = y == null ? undefined : dataView(y);
  if (addon != null) {
    if (vy == null) addon.channelSums(vx, channels, sum);
    else addon.channelSums(vx, channels, sum, vy, dot);
    return { sum, dot };
  }
  for (let o = 0; o < vx.length; o += channels) {
    for (let j = 0; j < channels; j++) sum[j] += vx[o + j];
    if (vy != null) for (let j = 0; j < channels; j++) dot[j] += vx[o + j] * vy[o + j];
  }
  return { sum, dot };
}

/** Per-channel sums over the rows of x [M, C] (see channelSumAndDot). */
export function channelSums(x: tf.Tensor, channels: number): Float64Array {
  return channelSumAndDot(x, channels).sum;
}

/**
 * x * a + y * b + d with per-channel a, b, d (the last axis), optionally
 * followed by relu: one native pass when the addon is active, else broadcasting tf ops.
 */
export function affineChannels(x: tf.Tensor, a: Float32Array, d: Float32Array, y?: tf.Tensor, b?: Float32Array, relu = false): tf.Tensor {
  const addon = activeNativeAddon();
  if (addon == null) {
    return tf.tidy(() => {
      let out = tf.add(tf.mul(x, tf.tensor1d(a)), tf.tensor1d(d));
      if (y != null && b != null) out = tf.add(out, tf.mul(y, tf.tensor1d(b)));
      return relu ? tf.relu(out) : out;
    });
  }
  return writeTensorMulti(y == null ? [x] : [x, y], x.shape, 'float32', (out, [vx, vy]) => {
    addon.affineChannels(out as Float32Array, vx as Float32Array, a, d, (vy as Float32Array | undefined) ?? null, y == null ? null : b ?? null, relu);
  });
}

/** Add a per-channel bias (and apply relu) to a tensor this kernel just created, in place when native. */
export function biasReluInPlace(y: tf.Tensor, bias: Float32Array, relu: boolean): tf.Tensor {
  const addon = activeNativeAddon();
  if (addon == null) return affineChannels(y, new Float32Array(bias.length).fill(1), bias, undefined, undefined, relu);
  const v = dataView(y);
  addon.affineChannels(v, v, new Float32Array(bias.length).fill(1), bias, null, null, relu);
  return y;
}

/** x + v with v per channel (the last axis), as a new tensor. */
export function addChannelVector(x: tf.Tensor, v: Float32Array): tf.Tensor {
  return affineChannels(x, new Float32Array(v.length).fill(1), v);
}
