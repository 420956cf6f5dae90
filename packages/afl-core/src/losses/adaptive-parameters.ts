import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertOneOf, assertSegmentationRank, shapeOf } from '../errors';
import { spatialAxes } from '../reduction';

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

function sliceAxis(x: tf.Tensor, axis: number, start: number, size: number): tf.Tensor {
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  const sizes = x.shape.map((d, i) => (i === axis ? size : d));
  return tf.slice(x, begin, sizes);
}

/** Finite difference of `m` along `axis`, same shape as `m`. */
export function maskGradientAlong(m: tf.Tensor, axis: number, scheme: MaskGradient): tf.Tensor {
  const n = m.shape[axis];
  if (n < 2) return tf.zerosLike(m);
  const diff = tf.sub(sliceAxis(m, axis, 1, n - 1), sliceAxis(m, axis, 0, n - 1));
  if (scheme === 'forward') {
    return tf.concat([diff, tf.zerosLike(sliceAxis(m, axis, 0, 1))], axis);
  }
  if (n === 2) return tf.concat([diff, diff], axis);
  const inner = tf.div(tf.sub(sliceAxis(m, axis, 2, n - 2), sliceAxis(m, axis, 0, n - 2)), 2);
  return tf.concat([sliceAxis(diff, axis, 0, 1), inner, sliceAxis(diff, axis, n - 2, 1)], axis);
}

/**
 * Computes A-FL's per-patient parameters (Islam et al. 2024, eqs. 1–6) from each sample's own ground-truth mask
 * (non-zero = foreground).
 *
 * - `alphaVa = Pbg / N`, `gammaVa = Pfg / N`;
 * - `gammaMSa = (1/N) Σ_i ||∇m_i||`, the gradient taken along every spatial axis with unit spacing;
 * - `gammaAdaptive = gammaVa + gammaMSa`.
 *
 * The results are constants for autodiff: no gradient flows back into `mask`.
 *
 * @param mask channels-last `[B, H, W, C]` or `[B, D, H, W, C]`, C = 1 (or 2, one-hot background/foreground).
 * @see https://arxiv.org/abs/2407.09828
 * @example
 * const mask = tf.zeros([1, 4, 4, 4, 1]).bufferSync(); // ... set a 2×2×2 cube
 * const { gammaVa, gammaMSa } = adaptiveParameters(mask.toTensor()); // 0.125, 0.48325...
 */
export function adaptiveParameters(mask: tf.Tensor, options: AdaptiveParametersOptions = {}): AdaptiveParameters {
  const fn = 'adaptiveParameters';
  const gradient = options.gradient ?? 'central';
  assertOneOf(fn, 'gradient', gradient, MASK_GRADIENTS);
  assertMaskChannels(fn, mask);
  // One op with a zero gradient: the parameters are constants for autodiff, and nothing upstream is visited.
  const compute = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    const value = tf.tidy(() => {
      const fg = foregroundOf(fn, input);
      const axes = spatialAxes(fg.rank + 1);
      const n = axes.reduce((acc, a) => acc * fg.shape[a], 1);
      const fgCount = tf.sum(fg, axes);
      let squared: tf.Tensor = tf.zerosLike(fg);
      for (const axis of axes) squared = tf.add(squared, tf.square(maskGradientAlong(fg, axis, gradient)));
      const smoothness = tf.mean(tf.sqrt(squared), axes);
      const fgShare = tf.div(fgCount, n);
      return tf.stack([tf.div(tf.sub(n, fgCount), n), fgShare, smoothness, tf.add(fgShare, smoothness)]);
    });
    return { value, gradFunc: () => tf.zerosLike(input) };
  });
  const [alphaVa, gammaVa, gammaMSa, gammaAdaptive] = tf.tidy(() => tf.unstack(compute(mask)) as tf.Tensor1D[]);
  return { alphaVa, gammaVa, gammaMSa, gammaAdaptive };
}

/** Disposes the four tensors of an {@link AdaptiveParameters}. */
export function disposeAdaptiveParameters(p: AdaptiveParameters): void {
  tf.dispose([p.alphaVa, p.gammaVa, p.gammaMSa, p.gammaAdaptive]);
}
