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
      const wt = tf.reshape(tf.transpose(filter, [3, 0, 1, 2]), [co, kh * kw * ci]);
      const y = tf.reshape(tf.matMul(tf.reshape(dy, [n * oh * ow, co]), wt), [n, oh, ow, kh * kw * ci]) as tf.Tensor4D;
      return kh === 1 ? y : tf.depthToSpace(y, kh, 'NHWC');
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
    // Flipping both spatial axes = reversing the flattened kh*kw axis (a cheap rank-2 reverse).
    const flipped = tf.reshape(tf.reverse(tf.reshape(filter, [kh * kw, -1]), 0), filter.shape) as tf.Tensor4D;
    const wf = tf.transpose(flipped, [0, 1, 3, 2]);
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
