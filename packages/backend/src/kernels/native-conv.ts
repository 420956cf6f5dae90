import * as tf from '@tensorflow/tfjs-core';
import { activeNativeAddon } from '../native/native-addon';
import { conv3dInfo } from './conv3d-via-conv2d';
import { OpKernel } from './override-kernel';
import { typedData, writeTensorMulti } from './raw-memory';
import { biasReluInPlace } from '../native/channel-ops';

type Pad2D = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: number | number[];
  pad: Pad2D;
  dataFormat?: string;
  dilations?: number | number[];
  dimRoundingMode?: Rounding;
  inputShape?: number[];
  filterShape?: number[];
  activation?: string;
}

/** Geometry layout of `native/conv.c`: N, D, H, W, Ci, oD, oH, oW, Co, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw. */
function geometry2d(xShape: number[], filterShape: number[], a: ConvAttrs): Int32Array | null {
  if (a.dataFormat != null && a.dataFormat !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides as [number, number], (a.dilations ?? 1) as [number, number], a.pad, a.dimRoundingMode);
  const p = info.padInfo;
  return Int32Array.from([info.batchSize, 1, info.inHeight, info.inWidth, info.inChannels, 1, info.outHeight, info.outWidth,
    info.outChannels, 1, info.filterHeight, info.filterWidth, 1, info.strideHeight, info.strideWidth,
    0, Math.max(0, p.top), Math.max(0, p.left), 1, info.dilationHeight, info.dilationWidth]);
}

function geometry3d(xShape: number[], filterShape: number[], a: ConvAttrs): Int32Array | null {
  if (a.dataFormat != null && a.dataFormat !== 'NDHWC') return null;
  const dil = a.dilations ?? 1;
  if ((typeof dil === 'number' ? [dil] : dil).some((v) => v !== 1)) return null;
  const info = conv3dInfo(xShape, filterShape, a.strides as [number, number, number], a.pad as 'same' | 'valid');
  const p = info.padInfo;
  return Int32Array.from([info.batchSize, info.inDepth, info.inHeight, info.inWidth, info.inChannels, info.outDepth, info.outHeight,
    info.outWidth, info.outChannels, info.filterDepth, info.filterHeight, info.filterWidth, info.strideDepth, info.strideHeight,
    info.strideWidth, Math.max(0, p.front), Math.max(0, p.top), Math.max(0, p.left), 1, 1, 1]);
}

const inShape = (g: Int32Array, dims: 2 | 3) => (dims === 2 ? [g[0], g[2], g[3], g[4]] : [g[0], g[1], g[2], g[3], g[4]]);
const outShape = (g: Int32Array, dims: 2 | 3) => (dims === 2 ? [g[0], g[6], g[7], g[8]] : [g[0], g[5], g[6], g[7], g[8]]);
const filterShapeOf = (g: Int32Array, dims: 2 | 3) => (dims === 2 ? [g[10], g[11], g[4], g[8]] : [g[9], g[10], g[11], g[4], g[8]]);

function allFloat(...xs: tf.Tensor[]): boolean {
  return xs.every((x) => x.dtype === 'float32');
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

type Fn = 'convForward' | 'convBackpropInput' | 'convBackpropFilter';

/** Run one addon function into a new float32 tensor of `shape`; null when the addon is off. */
function runNative(fn: Fn, a: tf.Tensor, b: tf.Tensor, shape: number[], g: Int32Array): tf.Tensor | null {
  const addon = activeNativeAddon();
  if (addon == null) return null;
  return writeTensorMulti([a, b], shape, 'float32', (out, [va, vb]) => {
    addon[fn](va as Float32Array, vb as Float32Array, out as Float32Array, g);
  });
}

function forward(dims: 2 | 3, inputs: Record<string, tf.Tensor>, a: ConvAttrs): tf.Tensor | null {
  const { x, filter } = inputs;
  if (activeNativeAddon() == null || !allFloat(x, filter)) return null;
  const g = dims === 2 ? geometry2d(x.shape, filter.shape, a) : geometry3d(x.shape, filter.shape, a);
  return g == null ? null : runNative('convForward', x, filter, outShape(g, dims), g);
}

function backpropInput(dims: 2 | 3, inputs: Record<string, tf.Tensor>, a: ConvAttrs): tf.Tensor | null {
  const { dy, filter } = inputs;
  if (activeNativeAddon() == null || !allFloat(dy, filter) || a.inputShape == null) return null;
  const g = dims === 2 ? geometry2d(a.inputShape, filter.shape, a) : geometry3d(a.inputShape, filter.shape, a);
  if (g == null || !sameShape(dy.shape, outShape(g, dims))) return null;
  return runNative('convBackpropInput', dy, filter, inShape(g, dims), g);
}

function backpropFilter(dims: 2 | 3, inputs: Record<string, tf.Tensor>, a: ConvAttrs): tf.Tensor | null {
  const { x, dy } = inputs;
  if (activeNativeAddon() == null || !allFloat(x, dy) || a.filterShape == null) return null;
  const g = dims === 2 ? geometry2d(x.shape, a.filterShape, a) : geometry3d(x.shape, a.filterShape, a);
  if (g == null || !sameShape(dy.shape, outShape(g, dims))) return null;
  return runNative('convBackpropFilter', x, dy, filterShapeOf(g, dims), g);
}

/**
 * Wrap a kernel so that it runs on the native addon when that is loaded and
 * enabled and the call is one it handles, and falls back to `fallback` (or
 * the previously registered kernel) otherwise.
 */
export function withNative<A = ConvAttrs>(native: (inputs: Record<string, tf.Tensor>, a: A) => tf.Tensor | null, fallback?: OpKernel): OpKernel {
  return (inputs, attrs, callOriginal) =>
    native(inputs, attrs as unknown as A) ?? (fallback != null ? fallback(inputs, attrs, callOriginal) : callOriginal());
}

/** FusedConv2D with no bias/activation, a bias, and/or relu; other activations use the previous kernel. */
function fusedForward(inputs: Record<string, tf.Tensor>, a: ConvAttrs & { activation?: string }): tf.Tensor | null {
  const act = a.activation ?? 'linear';
  if ((act !== 'linear' && act !== 'relu') || inputs.preluActivationWeights != null) return null;
  const bias = inputs.bias;
  if (bias != null && (bias.dtype !== 'float32' || bias.size !== 1 && bias.size !== inputs.filter.shape[3])) return null;
  const y = forward(2, inputs, a);
  if (y == null || (bias == null && act === 'linear')) return y;
  const b = bias == null ? new Float32Array(y.shape[3] as number) : (typedData(bias) as Float32Array);
  return biasReluInPlace(y, b.length === 1 ? new Float32Array(y.shape[3] as number).fill(b[0]) : b, act === 'relu');
}

/** Native versions of the convolution kernels, each falling back to `fallbacks[name]` or the stock kernel. */
export function nativeConvKernels(fallbacks: Record<string, OpKernel | undefined>): Record<string, OpKernel> {
  return {
    Conv2D: withNative((i, a) => forward(2, i, a), fallbacks.Conv2D),
    FusedConv2D: withNative(fusedForward, fallbacks.FusedConv2D),
    Conv2DBackpropInput: withNative((i, a) => backpropInput(2, i, a), fallbacks.Conv2DBackpropInput),
    Conv2DBackpropFilter: withNative((i, a) => backpropFilter(2, i, a), fallbacks.Conv2DBackpropFilter),
    Conv3D: withNative((i, a) => forward(3, i, a), fallbacks.Conv3D),
    Conv3DBackpropInputV2: withNative((i, a) => backpropInput(3, i, a), fallbacks.Conv3DBackpropInputV2),
    Conv3DBackpropFilterV2: withNative((i, a) => backpropFilter(3, i, a), fallbacks.Conv3DBackpropFilterV2),
  };
}

