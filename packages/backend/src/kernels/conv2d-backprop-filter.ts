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
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    const f = tf.transpose(dy, [1, 2, 0, 3]);
    const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
    let out = tf.conv2d(xt, f, 1, explicit, 'NHWC', [info.strideHeight, info.strideWidth]);
    if (out.shape[1] !== kh || out.shape[2] !== kw) out = tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
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
