import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** Insert `s - 1` zeros between rows (axis 1) and columns (axis 2); trailing zeros are kept. */
function zeroInsert(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, , w, c] = dy.shape;
  let h = dy.shape[1];
  let t: tf.Tensor4D = dy;
  if (sh > 1) {
    t = tf.reshape(tf.pad(tf.reshape(t, [n, h, 1, w * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, w, c]) as tf.Tensor4D;
    h *= sh;
  }
  if (sw > 1) {
    t = tf.reshape(tf.pad(tf.reshape(t, [n * h, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, h, w * sw, c]) as tf.Tensor4D;
  }
  return t;
}

/**
 * W [kh, kw, Ci, Co] -> W' [kh, kw, Co, Ci] with both spatial axes flipped,
 * in JS (filters are small; wasm's Reverse and Transpose are generic loops).
 */
export function flipSwapFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const src = filter.dataSync();
  const out = new Float32Array(src.length);
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) {
    const s0 = t * ci * co;
    const d0 = (taps - 1 - t) * ci * co;
    for (let i = 0; i < ci; i++) {
      for (let o = 0; o < co; o++) out[d0 + o * ci + i] = src[s0 + i * co + o];
    }
  }
  return tf.tensor4d(out, [kh, kw, co, ci]);
}

/**
 * Input gradient of a 2-D convolution (= forward of a transposed convolution),
 * computed as a forward convolution so that it runs on XNNPACK on wasm.
 *
 * - kernel == stride, no padding: one matMul followed by depthToSpace;
 * - otherwise: dy with zeros inserted (stride > 1), correlated with the
 *   spatially flipped filter whose in/out channels are swapped.
 */
export function conv2dBackpropInputViaConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode);
    const [n, h, w, ci] = inputShape;
    const [kh, kw, , co] = filter.shape;
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const { top, left } = info.padInfo;
    const [, oh, ow] = dy.shape;
    if (kh === sh && kw === sw && kh === kw && top === 0 && left === 0 && oh * sh === h && ow * sw === w) {
      // One matMul per filter row a: rows (n, o, p) x cols (b, ci); stacking the
      // rows on a new axis after o interleaves them without a DepthToSpace or
      // Transpose (both generic element loops on wasm).
      const wt = tf.transpose(filter, [0, 3, 1, 2]); // [kh, Co, kw, Ci]
      const dy2 = tf.reshape(dy, [n * oh * ow, co]);
      const rows: tf.Tensor[] = [];
      for (let a = 0; a < kh; a++) {
        const wa = tf.reshape(tf.slice(wt, [a, 0, 0, 0], [1, co, kw, ci]), [co, kw * ci]);
        rows.push(tf.reshape(tf.matMul(dy2, wa), [n * oh, ow * kw * ci]));
      }
      return tf.reshape(kh === 1 ? rows[0] : tf.stack(rows, 1), [n, oh * kh, ow * kw, ci]) as tf.Tensor4D;
    }
    let dyu = zeroInsert(dy, sh, sw);
    const lh = (oh - 1) * sh + 1;
    const lw = (ow - 1) * sw + 1;
    let frontH = kh - 1 - top;
    let frontW = kw - 1 - left;
    let backH = h + top - lh;
    let backW = w + left - lw;
    // Crop where the padding would be negative (rows that never reach the input).
    const cropTop = Math.max(0, -frontH);
    const cropLeft = Math.max(0, -frontW);
    const keepH = lh - cropTop + Math.min(0, backH);
    const keepW = lw - cropLeft + Math.min(0, backW);
    if (cropTop > 0 || cropLeft > 0 || keepH !== dyu.shape[1] || keepW !== dyu.shape[2]) {
      dyu = tf.slice(dyu, [0, cropTop, cropLeft, 0], [n, keepH, keepW, co]);
    }
    frontH = Math.max(0, frontH);
    frontW = Math.max(0, frontW);
    backH = Math.max(0, backH);
    backW = Math.max(0, backW);
    const wf = flipSwapFilter(filter);
    return tf.conv2d(dyu, wf, 1, [[0, 0], [frontH, backH], [frontW, backW], [0, 0]]);
  });
}

/** Kernel body for `Conv2DBackpropInput` (inputs dy, filter). */
export function conv2dBackpropInputKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  const { strides, pad, dimRoundingMode, inputShape, dataFormat } = attrs as {
    strides: [number, number]; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number]; dataFormat?: string;
  };
  tf.util.assert(dataFormat == null || dataFormat === 'NHWC',
    () => `Error in conv2dBackpropInput: only NHWC is supported, got ${dataFormat}.`);
  return conv2dBackpropInputViaConv(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, inputShape, strides, pad, dimRoundingMode);
}
