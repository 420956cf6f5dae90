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
    const addon = activeNativeAddon();
    if (addon == null && tf.getBackend() === 'cpu') return undefined;
    if (addon != null && x.dtype === 'float32') {
      const g = Int32Array.from([x.shape[0], 1, h, w, x.shape[3], 1, sh, sw]);
      return writeTensorMulti([x, y, dy], x.shape, 'float32', (out, [vx, vy, vdy]) => {
        addon.maxPoolGrad(vx as Float32Array, vy as Float32Array, vdy as Float32Array, out as Float32Array, g);
      });
    }
    const mask = tf.cast(tf.equal(x, repeat2d(y, sh)), 'float32');
    return tf.mul(mask, repeat2d(dy, sh));
  }
  return undefined;
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
