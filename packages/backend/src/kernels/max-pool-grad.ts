import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';

function repeat2d(t: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, h, w, c] = t.shape;
  const a = tf.mul(tf.reshape(t, [n * h, 1, w, c]), tf.ones([1, s, 1, 1]));
  const b = tf.mul(tf.reshape(a, [n * h * s, w, 1, c]), tf.ones([1, 1, s, 1]));
  return tf.reshape(b, [n, h * s, w * s, c]);
}

/**
 * `MaxPoolGrad` for non-overlapping windows (filter == stride, no padding),
 * the U-Nets' 2x2/2 pooling: dy is routed to the positions equal to the window
 * maximum. tfjs-backend-wasm 4.22's MaxPoolGrad gives wrong gradients (relative
 * error ~1 against finite differences). Other geometries return undefined, so
 * the original kernel runs.
 */
export function maxPoolGradKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const { filterSize, strides, pad } = attrs as { filterSize: number | [number, number]; strides: number | [number, number]; pad: unknown };
  const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const x = inputs.input as tf.Tensor4D;
  const dy = inputs.dy as tf.Tensor4D;
  const [, h, w] = x.shape;
  const [, oh, ow] = dy.shape;
  if (fh === sh && fw === sw && sh === sw && oh * sh === h && ow * sw === w && (pad === 'valid' || pad === 'same' || pad === 0)) {
    const y = inputs.output as tf.Tensor4D;
    const mask = tf.cast(tf.equal(x, repeat2d(y, sh)), 'float32');
    return tf.mul(mask, repeat2d(dy, sh));
  }
  return undefined;
}

