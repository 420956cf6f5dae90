import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';

/**
 * `Tile` (also behind `tf.broadcastTo`) one axis at a time as a broadcasting
 * multiply of a [outer, 1, rest] view by ones [1, reps, 1]. tfjs-backend-wasm
 * 4.22 tiles element by element (330 ms to double a 3 MB tensor).
 */
export function tileKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const x = inputs.x;
  const { reps } = attrs as { reps: number[] };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return undefined;
  let y: tf.Tensor = x;
  const shape = x.shape.slice();
  for (let a = 0; a < reps.length; a++) {
    if (reps[a] === 1) continue;
    const outer = shape.slice(0, a).reduce((p, v) => p * v, 1);
    const rest = shape.slice(a).reduce((p, v) => p * v, 1);
    y = tf.mul(tf.reshape(y, [outer, 1, rest]), tf.ones([1, reps[a], 1], x.dtype));
    shape[a] *= reps[a];
  }
  return y === x ? tf.clone(x) : tf.reshape(y, shape);
}
