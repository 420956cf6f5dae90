import * as tf from '@tensorflow/tfjs-core';
import { activeNativeAddon } from '../native/native-addon';

type Typed = Float32Array | Int32Array | Uint8Array;

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Typed;
}

/**
 * The data of `x` as the typed array of its dtype. The cpu backend can hold a
 * float32 tensor's values in another array type (e.g. a Uint8Array after a
 * cast from bool); those are converted, so native code gets the element type
 * the dtype promises.
 */
export function typedData(x: tf.Tensor): Typed {
  const d = x.dataSync() as Typed;
  const want = x.dtype === 'int32' ? Int32Array : x.dtype === 'bool' ? Uint8Array : Float32Array;
  return d instanceof want ? d : want.from(d as ArrayLike<number>);
}

/**
 * The float32 data of `t` without a copy where the backend allows it: a view
 * of the wasm heap (valid until the next allocation), or the cpu backend's array.
 */
export function dataView(t: tf.Tensor): Float32Array {
  const b = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  return typeof b.typedArrayFromHeap === 'function' ? b.typedArrayFromHeap(t) : (typedData(t) as Float32Array);
}

/**
 * Write a new tensor of `shape` with `fill(out, src)`, where `src` is the
 * data of `x`. On wasm both are views of the wasm heap (no copies besides the
 * one `fill` makes); elsewhere `src` is `dataSync()` and `out` a fresh array.
 */
export function writeTensor(x: tf.Tensor, shape: number[], fill: (out: Typed, src: Typed) => void): tf.Tensor {
  const b = tf.backend() as unknown as Partial<WasmLike>;
  if (typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function') {
    const info = b.makeOutput(shape, x.dtype);
    // Views after the allocation: it may have grown (and detached) the heap.
    fill(b.typedArrayFromHeap(info), b.typedArrayFromHeap(x));
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const src = typedData(x);
  const out = new (src.constructor as { new (n: number): Typed })(shape.reduce((p, v) => p * v, 1));
  fill(out, src);
  return tf.tensor(out, shape, x.dtype);
}

/**
 * Copy the box `begin`/`size` of a row-major `shape` from `src` into a dense
 * `out` (or, with `paste`, the dense `src` into that box of `out`). Trailing
 * full axes are merged, so each innermost run is one contiguous copy (a
 * memcpy in the native addon when it is active).
 */
export function copyBox(out: Typed, src: Typed, shape: number[], begin: number[], size: number[], paste = false): void {
  const dims: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.length > 0 && begin[i] === 0 && size[i] === shape[i]) {
      dims[dims.length - 1] *= shape[i];
      b[b.length - 1] *= shape[i];
      s[s.length - 1] *= shape[i];
    } else {
      dims.push(shape[i]);
      b.push(begin[i]);
      s.push(size[i]);
    }
  }
  const r = dims.length;
  const addon = activeNativeAddon();
  if (addon != null && r <= 8) {
    addon.copyBox(out, src, Int32Array.from(dims), Int32Array.from(b), Int32Array.from(s), paste);
    return;
  }
  const strides = new Array<number>(r).fill(1);
  for (let j = r - 2; j >= 0; j--) strides[j] = strides[j + 1] * dims[j + 1];
  const run = s[r - 1];
  let outer = 1;
  for (let j = 0; j < r - 1; j++) outer *= s[j];
  const idx = new Array<number>(Math.max(0, r - 1)).fill(0);
  let o = 0;
  for (let k = 0; k < outer; k++) {
    let off = b[r - 1];
    for (let j = 0; j < r - 1; j++) off += (b[j] + idx[j]) * strides[j];
    if (paste) {
      if (run >= 32) out.set(src.subarray(o, o + run), off);
      else for (let q = 0; q < run; q++) out[off + q] = src[o + q];
    } else if (run >= 32) {
      out.set(src.subarray(off, off + run), o);
    } else {
      for (let q = 0; q < run; q++) out[o + q] = src[off + q];
    }
    o += run;
    for (let j = r - 2; j >= 0; j--) {
      if (++idx[j] < s[j]) break;
      idx[j] = 0;
    }
  }
}

/**
 * A new tensor of `shape`, filled by `fill(out, views)` where `views` are the
 * data of `xs` (same backend rules as `writeTensor`).
 */
export function writeTensorMulti(xs: tf.Tensor[], shape: number[], dtype: tf.DataType, fill: (out: Typed, srcs: Typed[]) => void): tf.Tensor {
  const b = tf.backend() as unknown as Partial<WasmLike>;
  if (typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function') {
    const info = b.makeOutput(shape, dtype);
    const heap = b.typedArrayFromHeap.bind(b);
    fill(heap(info), xs.map((x) => heap(x)));
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const srcs = xs.map(typedData);
  const n = shape.reduce((p, v) => p * v, 1);
  const out = dtype === 'int32' ? new Int32Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Float32Array(n);
  fill(out, srcs);
  return tf.tensor(out, shape, dtype);
}
