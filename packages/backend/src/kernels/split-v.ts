import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';

/**
 * `SplitV` (the gradient of concat) on a [outer, L, inner] view of the input,
 * so every piece is a rank <= 3 slice. tfjs-backend-wasm 4.22 slices rank-5
 * tensors through a generic per-element path (2.1 s of a 3.2 s 3-D U-Net step).
 */
export function splitVKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor[] | undefined {
  const x = inputs.x;
  const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number };
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  if (x.rank <= 3) return undefined;
  const len = x.shape[ax];
  const sizes = typeof numOrSizeSplits === 'number'
    ? new Array<number>(numOrSizeSplits).fill(len / numOrSizeSplits)
    : numOrSizeSplits.map((s, _, a) => (s === -1 ? len - a.reduce((p, v) => p + (v === -1 ? 0 : v), 0) : s));
  let outer = 1;
  for (let i = 0; i < ax; i++) outer *= x.shape[i];
  let inner = 1;
  for (let i = ax + 1; i < x.rank; i++) inner *= x.shape[i];
  const flat = inner === 1 ? tf.reshape(x, [outer, len]) : tf.reshape(x, [outer, len, inner]);
  let begin = 0;
  return sizes.map((s) => {
    const shape = x.shape.slice();
    shape[ax] = s;
    const piece = inner === 1
      ? tf.slice(flat, [0, begin], [outer, s])
      : tf.slice(flat, [0, begin, 0], [outer, s, inner]);
    begin += s;
    return tf.reshape(piece, shape);
  });
}
