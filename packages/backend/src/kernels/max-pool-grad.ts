import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';
import { writeTensorMulti } from './raw-memory';
import { activeNativeAddon } from '../native/native-addon';

function repeat2d(t: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, h, w, c] = t.shape;
  const a = tf.mul(tf.reshape(t, [n * h, 1, w, c]), tf.ones([1, s, 1, 1]));
  const b = tf.mul(tf.reshape(a, [n * h * s, w, 1, c]), tf.ones([1, 1, s, 1]));
  return tf.reshape(b, [n, h * s, w * s, c]);
}

/** Strides of a 2-D max pooling with non-overlapping windows (filter == stride, no padding) tiling x, else null. */
function tilingStrides2d(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): number | null {
  const { filterSize, strides, pad } = attrs as { filterSize: number | [number, number]; strides: number | [number, number]; pad: unknown };
  const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const [, h, w] = inputs.input.shape;
  const [, oh, ow] = inputs.dy.shape;
  const tiles = fh === sh && fw === sw && sh === sw && oh * sh === h && ow * sw === w && (pad === 'valid' || pad === 'same' || pad === 0);
  return tiles ? sh : null;
}

/**
 * `MaxPoolGrad` for non-overlapping windows (filter == stride, no padding),
 * the U-Nets' 2x2/2 pooling, as tf ops: dy is routed to the positions equal to
 * the window maximum. tfjs-backend-wasm 4.22's MaxPoolGrad gives wrong
 * gradients (relative error ~1 against finite differences). Other geometries
 * return undefined, so the original kernel runs.
 */
export function maxPoolGradKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const s = tilingStrides2d(inputs, attrs);
  if (s == null) return undefined;
  const mask = tf.cast(tf.equal(inputs.input, repeat2d(inputs.output as tf.Tensor4D, s)), 'float32');
  return tf.mul(mask, repeat2d(inputs.dy as tf.Tensor4D, s));
}

/** The same routing in one native pass, or null without the addon (or for other geometries and dtypes). */
export function maxPoolGradNative(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | null {
  const addon = activeNativeAddon();
  const s = tilingStrides2d(inputs, attrs);
  const x = inputs.input as tf.Tensor4D;
  if (addon == null || s == null || x.dtype !== 'float32') return null;
  const g = Int32Array.from([x.shape[0], 1, x.shape[1], x.shape[2], x.shape[3], 1, s, s]);
  return writeTensorMulti([x, inputs.output, inputs.dy], x.shape, 'float32', (out, [vx, vy, vdy]) => {
    addon.maxPoolGrad(vx as Float32Array, vy as Float32Array, vdy as Float32Array, out as Float32Array, g);
  });
}

/** The strides of a 3-D pooling whose windows equal its strides (non-overlapping), else null. */
function tilingStrides3d(attrs: KernelAttrs): number[] | null {
  const { filterSize, strides } = attrs as { filterSize: number | number[]; strides: number | number[] };
  const f = typeof filterSize === 'number' ? [filterSize, filterSize, filterSize] : filterSize;
  const st = typeof strides === 'number' ? [strides, strides, strides] : strides;
  return f.every((v, i) => v === st[i]) ? st : null;
}

/**
 * `MaxPool3DGrad` for non-overlapping windows (filter == stride, no padding)
 * in the native addon; other geometries, or without the addon, the original kernel.
 */
export function maxPool3dGradKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const addon = activeNativeAddon();
  const st = tilingStrides3d(attrs);
  const x = inputs.input as tf.Tensor5D;
  const dy = inputs.dy as tf.Tensor5D;
  const y = inputs.output as tf.Tensor5D;
  if (addon == null || st == null || x.dtype !== 'float32') return undefined;
  const [n, d, h, w, c] = x.shape;
  if (dy.shape[1] * st[0] !== d || dy.shape[2] * st[1] !== h || dy.shape[3] * st[2] !== w) return undefined;
  const g = Int32Array.from([n, d, h, w, c, st[0], st[1], st[2]]);
  return writeTensorMulti([x, y, dy], x.shape, 'float32', (out, [vx, vy, vdy]) => {
    addon.maxPoolGrad(vx as Float32Array, vy as Float32Array, vdy as Float32Array, out as Float32Array, g);
  });
}

/** `MaxPool3D` for non-overlapping windows in the native addon (wasm's is a slow generic loop); else the original. */
export function maxPool3dKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor | undefined {
  const addon = activeNativeAddon();
  const st = tilingStrides3d(attrs);
  const x = inputs.x as tf.Tensor5D;
  if (addon == null || st == null || x.dtype !== 'float32') return undefined;
  const [n, d, h, w, c] = x.shape;
  if (d % st[0] !== 0 || h % st[1] !== 0 || w % st[2] !== 0) return undefined;
  const g = Int32Array.from([n, d, h, w, c, st[0], st[1], st[2]]);
  return writeTensorMulti([x], [n, d / st[0], h / st[1], w / st[2], c], 'float32', (out, [vx]) => {
    addon.maxPool(vx as Float32Array, out as Float32Array, g);
  });
}
