import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';
import { channelSums } from '../native/channel-ops';

/**
 * `Sum` / `Mean` over the leading axes [0, k) (after any size-1 axes) of a float32 tensor ([M, C] view,
 * C small: the per-channel reductions of batch norm and bias gradients), as
 * one pass over the backend's memory with float64 accumulators (native when the addon is active). tfjs-backend-wasm
 * transposes the reduced axes innermost first (1-11 ms for a 1-6 MB tensor;
 * this loop ~0.3 ms per MB). Other reductions return undefined (original kernel).
 */
function reduceLeading(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs, mean: boolean): tf.Tensor | undefined {
  const x = inputs.x;
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32' || x.rank < 2) return undefined;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  // Size-1 axes before the reduced block (a batch of 1) do not change the memory order.
  const lead = axes.length > 0 ? axes[0] : 0;
  if (axes.length === 0 || axes.some((a, i) => a !== lead + i) || x.shape.slice(0, lead).some((d) => d !== 1)) return undefined;
  const k = axes.length;
  if (lead + k === x.rank) return undefined;
  const m = x.shape.slice(lead, lead + k).reduce((p, v) => p * v, 1);
  const rest = x.shape.slice(lead + k);
  const c = rest.reduce((p, v) => p * v, 1);
  if (c > 4096) return undefined;
  const acc = channelSums(x, c);
  const out = new Float32Array(c);
  const scale = mean ? 1 / m : 1;
  for (let j = 0; j < c; j++) out[j] = acc[j] * scale;
  const head = x.shape.slice(0, lead);
  return tf.tensor(out, keepDims ? [...head, ...new Array<number>(k).fill(1), ...rest] : [...head, ...rest], 'float32');
}

export function sumKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  return reduceLeading(inputs, attrs, false);
}

export function meanKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  return reduceLeading(inputs, attrs, true);
}
