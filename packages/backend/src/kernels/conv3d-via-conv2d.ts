import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs, runKernel } from './override-kernel';

type Pad3D = 'valid' | 'same';
type Triple = [number, number, number];

/**
 * Conv3D geometry. tfjs 4.22 can return a negative front/back padding for
 * 'same' when the kernel is smaller than the stride (e.g. k=1, s=2), which
 * shifts the sampling grid by one voxel; TF/Keras and PyTorch clamp the total
 * padding at 0. We clamp too, so k=1/s=2 samples depths 0, 2, 4, ...
 */
export function conv3dInfo(xShape: number[], filterShape: number[], strides: number | Triple, pad: Pad3D) {
  const info = tf.backend_util.computeConv3DInfo(
    xShape as [number, number, number, number, number],
    filterShape as [number, number, number, number, number], strides, 1, pad);
  const p = info.padInfo;
  if (p.front < 0 || p.back < 0) info.padInfo = { ...p, front: Math.max(0, p.front), back: Math.max(0, p.back) };
  return info;
}

type Conv3DInfo = ReturnType<typeof conv3dInfo>;

function explicitHW(info: Conv3DInfo): tf.backend_util.ExplicitPadding {
  const p = info.padInfo;
  return [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
}

/**
 * Depths k, k + sd, ..., k + (od - 1) * sd of xp [N, Dp, inner], as a contiguous
 * rank-4 slice of the [N, Dp/sd, sd, inner] view (wasm's StridedSlice is a slow
 * generic path).
 */
function phaseSlice(xp: tf.Tensor3D, k: number, sd: number, od: number): tf.Tensor3D {
  const [n, dp, inner] = xp.shape;
  const q = Math.floor(k / sd);
  const r = k % sd;
  const blocks = Math.max(Math.ceil(dp / sd), q + od);
  const padded = blocks * sd > dp ? tf.pad(xp, [[0, 0], [0, blocks * sd - dp], [0, 0]]) : xp;
  const v = tf.reshape(padded, [n, blocks, sd, inner]);
  return tf.reshape(tf.slice(v, [0, q, r, 0], [n, od, 1, inner]), [n, od, inner]);
}

/** Padded depth view [N, Dp, H*W*Ci] of x. */
function paddedDepth(x: tf.Tensor, info: Conv3DInfo): tf.Tensor3D {
  const [n, d, h, w, ci] = x.shape;
  const { front, back } = info.padInfo;
  const xp = tf.reshape(x, [n, d, h * w * ci]) as tf.Tensor3D;
  return front > 0 || back > 0 ? tf.pad(xp, [[0, 0], [front, back], [0, 0]]) : xp;
}

/** Depth slice k of the padded input as a conv2d batch [N*Od, H, W, Ci] (contiguous copies only). */
function depthSlice(xp: tf.Tensor3D, x5: number[], info: Conv3DInfo, k: number): tf.Tensor4D {
  const [n, , h, w, ci] = x5;
  const od = info.outDepth;
  const sd = info.strideDepth;
  const s = sd === 1
    ? (k === 0 && od === xp.shape[1] ? xp : tf.slice(xp, [0, k, 0], [n, od, h * w * ci]))
    : phaseSlice(xp, k, sd, od);
  return tf.reshape(s, [n * od, h, w, ci]);
}

/** Filter tap k along depth: [kh, kw, Ci, Co]. */
function filterTap(filter: tf.Tensor, k: number): tf.Tensor4D {
  const [kd, kh, kw, ci, co] = filter.shape;
  if (kd === 1) return tf.reshape(filter, [kh, kw, ci, co]);
  return tf.reshape(tf.slice(tf.reshape(filter, [kd, kh * kw * ci * co]), [k, 0], [1, -1]), [kh, kw, ci, co]);
}

/**
 * conv3d (dilation 1) as a sum over the kd depth taps of 2-D convolutions of
 * depth slices (each one XNNPACK conv2d on wasm). Only contiguous copies are
 * needed (folding the depth taps into channels instead needs a channel
 * interleave, which measured slower on wasm).
 */
export function conv3dViaConv2d(x: tf.Tensor5D, filter: tf.Tensor5D, strides: number | Triple, pad: Pad3D): tf.Tensor5D {
  return tf.tidy(() => {
    const info = conv3dInfo(x.shape, filter.shape, strides, pad);
    const xp = paddedDepth(x, info);
    const ys: tf.Tensor4D[] = [];
    for (let k = 0; k < info.filterDepth; k++) {
      ys.push(tf.conv2d(depthSlice(xp, x.shape, info, k), filterTap(filter, k), [info.strideHeight, info.strideWidth], explicitHW(info)));
    }
    const y = ys.length === 1 ? ys[0] : tf.addN(ys);
    return tf.reshape(y, [x.shape[0], info.outDepth, info.outHeight, info.outWidth, info.outChannels]);
  });
}

/** Input gradient of conv3d (= forward of conv3dTranspose): per depth tap Conv2DBackpropInput, then shifted sums. */
export function conv3dBackpropInputViaConv2d(
  inputShape: number[], dy: tf.Tensor5D, filter: tf.Tensor5D, strides: number | Triple, pad: Pad3D,
): tf.Tensor5D {
  return tf.tidy(() => {
    const info = conv3dInfo(inputShape, filter.shape, strides, pad);
    const [n, d, h, w, ci] = inputShape;
    const [kd, , , , co] = filter.shape;
    const { front, back } = info.padInfo;
    const od = info.outDepth;
    const sd = info.strideDepth;
    const inner = h * w * ci;
    const dp = front + d + back;
    const dy4 = tf.reshape(dy, [n * od, info.outHeight, info.outWidth, co]);
    const parts: tf.Tensor3D[] = [];
    for (let k = 0; k < kd; k++) {
      const dxk = runKernel('Conv2DBackpropInput', { dy: dy4, filter: filterTap(filter, k) }, {
        strides: [info.strideHeight, info.strideWidth], pad: explicitHW(info), dataFormat: 'NHWC',
        dimRoundingMode: undefined, inputShape: [n * od, h, w, ci],
      });
      let p = tf.reshape(dxk, [n, od, inner]) as tf.Tensor3D;
      let len = od;
      if (sd > 1) {
        p = tf.reshape(tf.pad(tf.reshape(p, [n, od, 1, inner]), [[0, 0], [0, 0], [0, sd - 1], [0, 0]]), [n, od * sd, inner]);
        len = od * sd;
      }
      const tail = dp - k - len;
      if (tail < 0) p = tf.slice(p, [0, 0, 0], [n, len + tail, inner]);
      if (k > 0 || tail > 0) p = tf.pad(p, [[0, 0], [k, Math.max(0, tail)], [0, 0]]);
      parts.push(p);
    }
    let sum: tf.Tensor3D = parts.length === 1 ? parts[0] : tf.addN(parts);
    if (front > 0 || back > 0) sum = tf.slice(sum, [0, front, 0], [n, d, inner]);
    return tf.reshape(sum, [n, d, h, w, ci]);
  });
}

/** Filter gradient of conv3d: one Conv2DBackpropFilter per depth tap, stacked. */
export function conv3dBackpropFilterViaConv2d(
  x: tf.Tensor5D, dy: tf.Tensor5D, filterShape: number[], strides: number | Triple, pad: Pad3D,
): tf.Tensor5D {
  return tf.tidy(() => {
    const info = conv3dInfo(x.shape, filterShape, strides, pad);
    const [kd, kh, kw, ci, co] = filterShape;
    const xp = paddedDepth(x, info);
    const dy4 = tf.reshape(dy, [x.shape[0] * info.outDepth, info.outHeight, info.outWidth, co]);
    const taps: tf.Tensor[] = [];
    for (let k = 0; k < kd; k++) {
      taps.push(runKernel('Conv2DBackpropFilter', { x: depthSlice(xp, x.shape, info, k), dy: dy4 }, {
        strides: [info.strideHeight, info.strideWidth], pad: explicitHW(info), dataFormat: 'NHWC',
        dimRoundingMode: undefined, filterShape: [kh, kw, ci, co],
      }));
    }
    return tf.reshape(taps.length === 1 ? taps[0] : tf.stack(taps), [kd, kh, kw, ci, co]);
  });
}

interface Conv3DAttrs { strides: Triple; pad: Pad3D; dilations?: Triple; dataFormat?: string }

function checkAttrs(name: string, a: Conv3DAttrs): void {
  tf.util.assert(a.dataFormat == null || a.dataFormat === 'NDHWC',
    () => `Error in ${name}: only NDHWC is supported, got ${a.dataFormat}.`);
  const dil = a.dilations ?? [1, 1, 1];
  tf.util.assert((typeof dil === 'number' ? [dil] : dil).every((v) => v === 1),
    () => `Error in ${name}: dilations must be 1, got ${dil}.`);
}

export function conv3dKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  const a = attrs as unknown as Conv3DAttrs;
  checkAttrs('conv3d', a);
  return conv3dViaConv2d(inputs.x as tf.Tensor5D, inputs.filter as tf.Tensor5D, a.strides, a.pad);
}

export function conv3dBackpropInputKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  const a = attrs as unknown as Conv3DAttrs & { inputShape: number[] };
  checkAttrs('conv3dBackpropInput', a);
  return conv3dBackpropInputViaConv2d(a.inputShape, inputs.dy as tf.Tensor5D, inputs.filter as tf.Tensor5D, a.strides, a.pad);
}

export function conv3dBackpropFilterKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  const a = attrs as unknown as Conv3DAttrs & { filterShape: number[] };
  checkAttrs('conv3dBackpropFilter', a);
  return conv3dBackpropFilterViaConv2d(inputs.x as tf.Tensor5D, inputs.dy as tf.Tensor5D, a.filterShape, a.strides, a.pad);
}
