import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/**
 * Filter gradient of a 2-D convolution, computed as one forward convolution so
 * that it runs on the backend's fast conv path (XNNPACK on wasm):
 *
 *   dW[a, b, ci, co] = sum_{n, o, p} xpad[n, o*sh + a, p*sw + b, ci] * dy[n, o, p, co]
 *
 * is a convolution of x transposed to [Ci, H, W, N] with dy transposed to the
 * filter [Oh, Ow, N, Co], stride 1 and dilation equal to the forward stride.
 */
export function conv2dBackpropFilterViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode);
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw, ci, co] = filterShape;
    const [n, , , ] = x.shape;
    // Measured on wasm: the per-tap matMuls win for small images with many channels.
    if (n * dy.shape[1] * dy.shape[2] <= 2048 && info.strideHeight === 1 && info.strideWidth === 1) {
      return viaTapMatMuls(x, dy, filterShape, info.padInfo);
    }
    const bands = bandCount(x.shape[0], dy.shape[1], kh);
    if (bands > 1) {
      return viaBands(x, dy, filterShape, info.strideHeight, info.strideWidth, info.padInfo, bands);
    }
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    // With batch 1 the transposed dy has dy's memory layout: a reshape, not a copy.
    const f: tf.Tensor4D = dy.shape[0] === 1 ? tf.reshape(dy, [dy.shape[1], dy.shape[2], 1, co]) : tf.transpose(dy, [1, 2, 0, 3]);
    const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
    let out = tf.conv2d(xt, f, 1, explicit, 'NHWC', [info.strideHeight, info.strideWidth]);
    if (out.shape[1] !== kh || out.shape[2] !== kw) out = tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/**
 * Small batch, stride 1: one matMul per filter tap (a, b),
 *   dW[a, b] = X_ab^T dy,  X_ab^T = window (a, b) of x transposed to [Ci, N, Hp, Wp],
 * which keeps the long spatial axis as the GEMM's reduction axis (the conv
 * formulation above has only N input channels, which XNNPACK handles poorly for N = 1).
 */
function viaTapMatMuls(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number],
  pad: { top: number; bottom: number; left: number; right: number },
): tf.Tensor4D {
  const [n, , , ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const [kh, kw] = filterShape;
  const xp = (pad.top | pad.bottom | pad.left | pad.right) !== 0
    ? tf.pad(x, [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]]) : x;
  const xt = tf.transpose(xp, [3, 0, 1, 2]);
  const dy2 = tf.reshape(dy, [n * oh * ow, co]);
  const taps: tf.Tensor2D[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const win = (kh === 1 && kw === 1 && xt.shape[2] === oh && xt.shape[3] === ow)
        ? xt : tf.slice(xt, [0, 0, a, b], [ci, n, oh, ow]);
      taps.push(tf.matMul(tf.reshape(win, [ci, n * oh * ow]), dy2));
    }
  }
  return tf.reshape(taps.length === 1 ? taps[0] : tf.concat(taps, 0), [kh, kw, ci, co]);
}

/** Row bands for `viaBands`: the most (<= 16 with the batch) that divide the output rows, 1 = none. */
function bandCount(n: number, oh: number, kh: number): number {
  for (const g of [16, 8, 4, 2]) {
    if (oh % g === 0 && oh / g >= Math.max(2, kh - 1) && n * g <= 16) return g;
  }
  return 1;
}

/**
 * The convolution formulation above with the output rows cut into G bands
 * that become extra "channels" of the convolution (x bands stacked on the
 * batch axis, dy bands on the filter's input-channel axis). With batch 1 the
 * plain formulation has a single input channel, which XNNPACK handles poorly;
 * measured 1.4-1.9x faster for the 2-D U-Net's layers.
 */
function viaBands(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], sh: number, sw: number,
  pad: { top: number; bottom: number; left: number; right: number }, g: number,
): tf.Tensor4D {
  const [n, h, w, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const [kh, kw] = filterShape;
  const b = oh / g;
  const bandRows = (b - 1) * sh + kh;
  const needRows = (oh - 1) * sh + kh;
  const padBottom = Math.max(0, needRows - pad.top - h);
  const xp = pad.top > 0 || padBottom > 0 ? tf.pad(x, [[0, 0], [pad.top, padBottom], [0, 0], [0, 0]]) : x;
  const pieces: tf.Tensor4D[] = [];
  for (let i = 0; i < g; i++) pieces.push(tf.slice(xp, [0, i * b * sh, 0, 0], [n, bandRows, w, ci]));
  // Batch order (band, image); the filter's channel order below matches it.
  const xt = tf.transpose(tf.concat(pieces, 0), [3, 1, 2, 0]);
  const dyBands: tf.Tensor4D = n === 1
    ? tf.reshape(dy, [g, b, ow, co])
    : tf.reshape(tf.transpose(tf.reshape(dy, [n, g, b * ow * co]), [1, 0, 2]), [g * n, b, ow, co]);
  const f = tf.transpose(dyBands, [1, 2, 0, 3]);
  let out = tf.conv2d(xt, f, 1, [[0, 0], [0, 0], [pad.left, pad.right], [0, 0]], 'NHWC', [sh, sw]);
  if (out.shape[1] !== kh || out.shape[2] !== kw) out = tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
  return tf.transpose(out, [1, 2, 0, 3]);
}

/** Kernel body for `Conv2DBackpropFilter` (inputs x, dy). */
export function conv2dBackpropFilterKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  const { strides, pad, dimRoundingMode, filterShape, dataFormat } = attrs as {
    strides: [number, number]; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number]; dataFormat?: string;
  };
  tf.util.assert(dataFormat == null || dataFormat === 'NHWC',
    () => `Error in conv2dBackpropFilter: only NHWC is supported, got ${dataFormat}.`);
  return conv2dBackpropFilterViaConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, filterShape, strides, pad, dimRoundingMode);
}
