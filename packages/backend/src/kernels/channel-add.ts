import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';
import { typedData } from './raw-memory';
import { addChannelVector } from '../native/channel-ops';
import { activeNativeAddon } from '../native/native-addon';

/** Whether `v` broadcasts along the last axis of `x` only: shape [C] or [1, ..., 1, C], C = x's channels. */
function isChannelVector(x: tf.Tensor, v: tf.Tensor): boolean {
  const c = x.shape[x.rank - 1];
  return v.rank >= 1 && v.rank <= x.rank && v.shape[v.rank - 1] === c && v.size === c && x.size > c;
}

/**
 * `Add` of a tensor and a per-channel vector (the bias add of conv3d and dense
 * layers; wasm broadcasts rank 5 through a slow generic path) as one native
 * pass when the addon is active; everything else runs the original kernel.
 */
export function addKernel(inputs: Record<string, tf.Tensor>, _attrs: KernelAttrs): tf.Tensor | undefined {
  const { a, b } = inputs;
  if (activeNativeAddon() == null || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (isChannelVector(a, b)) return addChannelVector(a, typedData(b) as Float32Array);
  if (isChannelVector(b, a)) return addChannelVector(b, typedData(a) as Float32Array);
  return undefined;
}
