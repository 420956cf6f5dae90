import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';
import { copyBox, writeTensorMulti } from './raw-memory';

function plainDtype(d: tf.DataType): boolean {
  return d === 'float32' || d === 'int32' || d === 'bool';
}

/**
 * `Concat` as contiguous-run copies of each input into its box of the output
 * (wasm 4.22: 18 ms to interleave two 3 MB tensors on the channel axis).
 */
export function concatKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const xs = (Object.values(inputs) as tf.Tensor[]).filter((t) => t.size > 0);
  if (xs.length < 2 || !xs.every((t) => plainDtype(t.dtype) && t.dtype === xs[0].dtype && t.rank === xs[0].rank)) return undefined;
  const axis = tf.util.parseAxisParam((attrs as { axis: number }).axis, xs[0].shape)[0];
  const shape = xs[0].shape.slice();
  shape[axis] = xs.reduce((p, t) => p + t.shape[axis], 0);
  return writeTensorMulti(xs, shape, xs[0].dtype, (out, srcs) => {
    let at = 0;
    srcs.forEach((src, i) => {
      const begin = new Array<number>(shape.length).fill(0);
      begin[axis] = at;
      copyBox(out, src, shape, begin, xs[i].shape, true);
      at += xs[i].shape[axis];
    });
  });
}

/** `PadV2`: fill with the constant, then paste the input into its box. */
export function padKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const x = inputs.x;
  if (!plainDtype(x.dtype) || x.size === 0) return undefined;
  const { paddings, constantValue } = attrs as { paddings: [number, number][]; constantValue: number };
  const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  return writeTensorMulti([x], shape, x.dtype, (out, [src]) => {
    out.fill(constantValue ?? 0);
    copyBox(out, src, shape, paddings.map((p) => p[0]), x.shape, true);
  });
}
