import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertOneOf, assertSegmentationRank, shapeOf } from '../errors';

/** Finite-difference scheme for the mask gradient of eq. 3. */
export type MaskGradient = 'central' | 'forward';
export const MASK_GRADIENTS: readonly MaskGradient[] = ['central', 'forward'];

export interface AdaptiveParametersOptions {
  /**
   * `'central'` (default): numpy.gradient, `(m[i+1] - m[i-1]) / 2` inside and one-sided differences at both borders.
   * `'forward'`: `m[i+1] - m[i]`, 0 at the last index.
   */
  gradient?: MaskGradient;
}

/** Per-sample A-FL parameters, each a 1-D tensor of length `batch`. */
export interface AdaptiveParameters {
  /** Eq. 1: background share `Pbg / N`. */
  alphaVa: tf.Tensor1D;
  /** Eq. 2: foreground share `Pfg / N`. */
  gammaVa: tf.Tensor1D;
  /** Eq. 5: mean over all N voxels of the mask's gradient magnitude (unit spacing). */
  gammaMSa: tf.Tensor1D;
  /** Eq. 6: `gammaVa + gammaMSa`. */
  gammaAdaptive: tf.Tensor1D;
}

/** The foreground of a channels-last mask as a float 0/1 tensor `[B, ...spatial]`; 2 channels are one-hot `[bg, fg]`. */
export function foregroundOf(fn: string, mask: tf.Tensor): tf.Tensor {
  assertMaskChannels(fn, mask);
  const last = mask.rank - 1;
  const fg = mask.shape[last] === 1 ? mask : tf.slice(mask, mask.shape.map((_, i) => (i === last ? 1 : 0)), mask.shape.map((d, i) => (i === last ? 1 : d)));
  return tf.squeeze(tf.cast(tf.notEqual(fg, 0), 'float32'), [last]);
}

/** Checks that `mask` is channels-last rank 4/5 with 1 channel, or 2 (one-hot background, foreground). */
export function assertMaskChannels(fn: string, mask: tf.Tensor): void {
  assertSegmentationRank(fn, 'mask', mask);
  const channels = mask.shape[mask.rank - 1];
  if (channels !== 1 && channels !== 2) {
    throw aflError(
      fn,
      `mask must have 1 channel (foreground) or 2 channels (one-hot background, foreground) in the last axis, got ${channels} channels in shape ${shapeOf(mask)}.`,
    );
  }
}

/** Plain-number parameters of one sample, and whether its mask held values other than 0 and 1. */
export interface SampleParameters {
  alphaVa: number;
  gammaVa: number;
  gammaMSa: number;
  gammaAdaptive: number;
  nonBinary: boolean;
}

/**
 * Eqs. 1–6 for one sample in a single pass over its voxels (float64 sums). `mask` is a C-order array of `shape`
 * (spatial axes only), read with a channel `stride` and `offset` (a one-hot mask's foreground channel: 2, 1).
 */
export function sampleParameters(
  mask: ArrayLike<number>,
  shape: readonly number[],
  scheme: MaskGradient = 'central',
  stride = 1,
  offset = 0,
): SampleParameters {
  const rank = shape.length;
  const n = shape.reduce((a, b) => a * b, 1);
  const strides = new Array<number>(rank);
  for (let a = rank - 1, st = 1; a >= 0; a--) {
    strides[a] = st;
    st *= shape[a];
  }
  const fg = new Uint8Array(n);
  let count = 0;
  let nonBinary = false;
  for (let i = 0; i < n; i++) {
    const v = mask[i * stride + offset];
    if (v !== 0) {
      fg[i] = 1;
      count++;
      if (v !== 1) nonBinary = true;
    }
  }
  // The gradient is zero except on foreground voxels and their face neighbours: visit only those.
  const visit = new Uint8Array(n);
  const idx = new Array<number>(rank);
  const coordinates = (i: number) => {
    for (let a = 0; a < rank; a++) idx[a] = Math.floor(i / strides[a]) % shape[a];
  };
  for (let i = 0; i < n; i++) {
    if (!fg[i]) continue;
    visit[i] = 1;
    coordinates(i);
    for (let a = 0; a < rank; a++) {
      if (idx[a] > 0) visit[i - strides[a]] = 1;
      if (idx[a] < shape[a] - 1) visit[i + strides[a]] = 1;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!visit[i]) continue;
    coordinates(i);
    let sq = 0;
    for (let a = 0; a < rank; a++) {
      const len = shape[a];
      if (len < 2) continue;
      const c = idx[a];
      const st = strides[a];
      let g: number;
      if (scheme === 'forward') g = c < len - 1 ? fg[i + st] - fg[i] : 0;
      else if (c === 0) g = fg[i + st] - fg[i];
      else if (c === len - 1) g = fg[i] - fg[i - st];
      else g = (fg[i + st] - fg[i - st]) / 2;
      sq += g * g;
    }
    if (sq > 0) total += Math.sqrt(sq);
  }
  const gammaVa = count / n;
  const gammaMSa = total / n;
  return { alphaVa: (n - count) / n, gammaVa, gammaMSa, gammaAdaptive: gammaVa + gammaMSa, nonBinary };
}

/** Per-sample parameters of a channels-last mask, computed on the host from one (asynchronous) read of the mask. */
export async function maskParameters(fn: string, mask: tf.Tensor, gradient: MaskGradient = 'central'): Promise<SampleParameters[]> {
  assertOneOf(fn, 'gradient', gradient, MASK_GRADIENTS);
  assertMaskChannels(fn, mask);
  return maskParametersOf(mask.shape, (await mask.data()) as tf.TypedArray, gradient);
}

/** {@link maskParameters} of a mask's values already on the host (C order, channels-last `shape`). */
export function maskParametersOf(shape: readonly number[], data: tf.TypedArray, gradient: MaskGradient = 'central'): SampleParameters[] {
  const channels = shape[shape.length - 1];
  const spatial = shape.slice(1, -1);
  const perSample = spatial.reduce((a, b) => a * b, 1) * channels;
  const out: SampleParameters[] = [];
  for (let b = 0; b < shape[0]; b++) {
    const view = data.subarray(b * perSample, (b + 1) * perSample);
    out.push(sampleParameters(view, spatial, gradient, channels, channels - 1));
  }
  return out;
}

/** Packs per-sample parameters into the four `[B]` tensors of {@link AdaptiveParameters}. */
export function toAdaptiveParameters(samples: readonly SampleParameters[]): AdaptiveParameters {
  const column = (k: keyof Omit<SampleParameters, 'nonBinary'>) => tf.tensor1d(samples.map((s) => s[k]), 'float32');
  return { alphaVa: column('alphaVa'), gammaVa: column('gammaVa'), gammaMSa: column('gammaMSa'), gammaAdaptive: column('gammaAdaptive') };
}

/**
 * Computes A-FL's per-patient parameters (Islam et al. 2024, eqs. 1–6) from each sample's own ground-truth mask
 * (non-zero = foreground).
 *
 * - `alphaVa = Pbg / N`, `gammaVa = Pfg / N`;
 * - `gammaMSa = (1/N) Σ_i ||∇m_i||`, the gradient taken along every spatial axis with unit spacing;
 * - `gammaAdaptive = gammaVa + gammaMSa`.
 *
 * Computed on the host in float64, in one pass over the mask after one asynchronous read of `mask` (which works on
 * every backend, webgpu included); the results are new tensors, so they are constants for autodiff. For the same
 * values computed on the device without any read (float32), see {@link adaptiveParametersOnDevice}.
 *
 * @param mask channels-last `[B, H, W, C]` or `[B, D, H, W, C]`, C = 1 (or 2, one-hot background/foreground).
 * @see https://arxiv.org/abs/2407.09828
 * @example
 * const mask = tf.buffer([1, 4, 4, 4, 1]); // ... set a 2×2×2 cube
 * const { gammaVa, gammaMSa } = await adaptiveParameters(mask.toTensor()); // 0.125, 0.48325...
 */
export async function adaptiveParameters(mask: tf.Tensor, options: AdaptiveParametersOptions = {}): Promise<AdaptiveParameters> {
  const fn = 'adaptiveParameters';
  return toAdaptiveParameters(await maskParameters(fn, mask, options.gradient ?? 'central'));
}

/** One axis of eq. 3's finite-difference gradient of `fg` (`[B, ...spatial]`, float 0/1), same shape as `fg`. */
function axisGradient(fg: tf.Tensor, axis: number, scheme: MaskGradient): tf.Tensor {
  const len = fg.shape[axis];
  const part = (start: number, size: number) => {
    const begin = fg.shape.map((_, i) => (i === axis ? start : 0));
    const sizes = fg.shape.map((d, i) => (i === axis ? size : d));
    return tf.slice(fg, begin, sizes);
  };
  if (scheme === 'forward') {
    const zeros = tf.zeros(fg.shape.map((d, i) => (i === axis ? 1 : d)));
    return tf.concat([tf.sub(part(1, len - 1), part(0, len - 1)), zeros], axis);
  }
  const first = tf.sub(part(1, 1), part(0, 1));
  const last = tf.sub(part(len - 1, 1), part(len - 2, 1));
  if (len === 2) return tf.concat([first, last], axis);
  const inner = tf.div(tf.sub(part(2, len - 2), part(0, len - 2)), 2);
  return tf.concat([first, inner, last], axis);
}

/**
 * {@link adaptiveParameters} computed with tensor ops on the mask's backend (float32), with no read to the host:
 * what {@link adaptiveFocalLoss} uses when no `parameters` are passed. Equal to the host values to float32
 * rounding (about 1e-6 relative on a 2-D slice, more on large volumes, where float32 sums round more).
 */
export function adaptiveParametersOnDevice(mask: tf.Tensor, options: AdaptiveParametersOptions = {}): AdaptiveParameters {
  const fn = 'adaptiveParametersOnDevice';
  const gradient = options.gradient ?? 'central';
  assertOneOf(fn, 'gradient', gradient, MASK_GRADIENTS);
  assertMaskChannels(fn, mask);
  // The parameters are constants for autodiff, as the host ones are: no gradient flows back into the mask.
  const compute = tf.customGrad(((m: tf.Tensor) => ({
    value: tf.tidy(() => {
      const fg = foregroundOf(fn, m);
      const axes = fg.shape.map((_, i) => i).slice(1);
      let sq: tf.Tensor | null = null;
      for (const a of axes) {
        if (fg.shape[a] < 2) continue;
        const g = tf.square(axisGradient(fg, a, gradient));
        sq = sq === null ? g : tf.add(sq, g);
      }
      const va = tf.mean(fg, axes);
      const msa = sq === null ? tf.zeros([fg.shape[0]]) : tf.mean(tf.sqrt(sq), axes);
      return tf.stack([tf.sub(1, va), va, msa, tf.add(va, msa)]);
    }),
    gradFunc: () => tf.zerosLike(m),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  const [alphaVa, gammaVa, gammaMSa, gammaAdaptive] = tf.tidy(() => tf.unstack(compute(mask)) as tf.Tensor1D[]);
  return { alphaVa, gammaVa, gammaMSa, gammaAdaptive };
}

/**
 * A 0-d boolean tensor: true when the foreground channel of `mask` holds a value other than 0 and 1 (computed on
 * the device; read it asynchronously, or use it without a read as {@link adaptiveFocalLoss} does).
 */
export function nonBinaryFlag(mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const last = mask.rank - 1;
    const c = mask.shape[last];
    const fg = c === 1 ? mask : tf.slice(mask, mask.shape.map((_, i) => (i === last ? c - 1 : 0)), mask.shape.map((d, i) => (i === last ? 1 : d)));
    return tf.any(tf.logicalAnd(tf.notEqual(fg, 0), tf.notEqual(fg, 1)));
  });
}

/** Disposes the four tensors of an {@link AdaptiveParameters}. */
export function disposeAdaptiveParameters(p: AdaptiveParameters): void {
  tf.dispose([p.alphaVa, p.gammaVa, p.gammaMSa, p.gammaAdaptive]);
}
