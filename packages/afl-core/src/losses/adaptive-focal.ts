import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertOneOf, assertSegmentationRank, shapeOf } from '../errors';
import { checkReduction, Reduction } from '../reduction';
import {
  adaptiveParametersOnDevice,
  AdaptiveParameters,
  disposeAdaptiveParameters,
  foregroundOf,
  MaskGradient,
  MASK_GRADIENTS,
  maskParameters,
  nonBinaryFlag,
  toAdaptiveParameters,
} from './adaptive-parameters';
import { sigmoidFocalTerms, toLogits } from './sigmoid-terms';

/** How A-FL weights voxels; see {@link adaptiveFocalLoss}. */
export type AdaptiveAlphaMode = 'classwise' | 'scalar' | 'none' | 'authors-code';
export const ADAPTIVE_ALPHA_MODES: readonly AdaptiveAlphaMode[] = ['classwise', 'scalar', 'none', 'authors-code'];

/** Plain focal loss's constants, used for a part of A-FL that the ablation switches off. */
export const FOCAL_DEFAULT_ALPHA = 0.25;
export const FOCAL_DEFAULT_GAMMA = 2;

export interface AdaptiveFocalLossOptions {
  /**
   * Voxel weight `w`:
   * - `'classwise'` (default): `alphaVa` on foreground, `1 - alphaVa` on background voxels (per sample, MONAI's
   *   FocalLoss with `gamma = gammaAdaptive`, `alpha = alphaVa`);
   * - `'scalar'`: eq. 8 read literally, `alphaVa` on every voxel;
   * - `'none'`: eq. 7, no weight;
   * - `'authors-code'`: the authors' published code: `yPred` has 2 channels (background, tumour), the target is
   *   one-hot, each channel gets a sigmoid focal term, the background channel weighted by `alphaVa` and the tumour
   *   channel by `gammaVa`, averaged over batch × 2 channels × voxels.
   */
  alpha?: AdaptiveAlphaMode;
  /** Ablation: use `alphaVa` (else class-wise alpha 0.25). Default true. */
  useAlphaVa?: boolean;
  /** Ablation: include `gammaVa` in gamma. Default true. */
  useGammaVa?: boolean;
  /** Ablation: include `gammaMSa` in gamma. Default true. With neither gamma part, gamma = 2. */
  useGammaMSa?: boolean;
  /** Finite-difference scheme for `gammaMSa`, default `'central'`. */
  gradient?: MaskGradient;
  /**
   * Precomputed per-sample parameters, e.g. from the patient's whole volume when training on crops or slices, or
   * the host (float64) values of {@link adaptiveParameters} / {@link prepareAdaptiveFocalParameters}.
   * Default: computed from `yTrue` on the device ({@link adaptiveParametersOnDevice}, float32, no read to the host).
   */
  parameters?: AdaptiveParameters;
  /** `'mean'` (default) over the batch of per-sample means; `'sum'` over the batch; `'none'`: per-sample `[B]`. */
  reduction?: Reduction;
  /** `yPred` holds logits (default) or probabilities. */
  fromLogits?: boolean;
  /**
   * Check that `yTrue` holds only 0 and 1. Default true. The loss never reads from the device, so here the check
   * cannot throw: a non-binary `yTrue` makes the loss NaN. {@link prepareAdaptiveFocalParameters} (and the
   * `prepare` step of `createLoss('afl')`) reads the mask and throws an error that says so.
   */
  checkBinary?: boolean;
}

/** Resolved per-sample alpha/gamma, each `[B]`, after the ablation switches. */
export interface EffectiveAdaptiveParameters {
  alpha: tf.Tensor1D;
  gamma: tf.Tensor1D;
  /** True when `alpha` is A-FL's `alphaVa` (false: the focal fallback 0.25). */
  adaptiveAlpha: boolean;
}

export function effectiveParameters(params: AdaptiveParameters, options: AdaptiveFocalLossOptions): EffectiveAdaptiveParameters {
  const { useAlphaVa = true, useGammaVa = true, useGammaMSa = true } = options;
  const [alpha, gamma] = tf.tidy(() => {
    const batch = params.alphaVa.shape[0];
    const a: tf.Tensor1D = useAlphaVa ? tf.clone(params.alphaVa) : tf.fill([batch], FOCAL_DEFAULT_ALPHA);
    let g: tf.Tensor1D;
    if (useGammaVa && useGammaMSa) g = tf.add(params.gammaVa, params.gammaMSa);
    else if (useGammaVa) g = tf.clone(params.gammaVa);
    else if (useGammaMSa) g = tf.clone(params.gammaMSa);
    else g = tf.fill([batch], FOCAL_DEFAULT_GAMMA);
    return [a, g];
  });
  return { alpha, gamma, adaptiveAlpha: useAlphaVa };
}

/** Per-sample values shaped to broadcast over `[B, ...]`; a batch of one becomes a scalar (TF.js's fast path). */
function perSample(values: tf.Tensor1D, rank: number): tf.Tensor {
  if (values.shape[0] === 1) return tf.reshape(values, []);
  return tf.reshape(values, [values.shape[0], ...Array(rank - 1).fill(1)]);
}

function nonBinaryError(fn: string, name: string, t: tf.Tensor): Error {
  return aflError(fn, `${name} must be a binary mask holding only 0 and 1, got other values in a tensor of shape ${shapeOf(t)} (binarise label maps first, e.g. ISUP grades >= 1).`);
}

/** Rejects when `t` holds a value other than 0 and 1 (one asynchronous read back from the device). */
export async function assertBinary(fn: string, name: string, t: tf.Tensor): Promise<void> {
  const flag = tf.tidy(() => tf.any(tf.logicalAnd(tf.notEqual(t, 0), tf.notEqual(t, 1))));
  const bad = (await flag.data())[0];
  flag.dispose();
  if (bad) throw nonBinaryError(fn, name, t);
}

/**
 * A-FL's per-sample parameters of `yTrue`, computed on the host (float64) after one asynchronous read: what a
 * training step passes as `parameters` so that the loss does no mask work of its own. Throws when `checkBinary`
 * (default true) and the mask holds other values than 0 and 1. The caller disposes the result
 * ({@link disposeAdaptiveParameters}).
 *
 * @example
 * const parameters = await prepareAdaptiveFocalParameters(mask);
 * const loss = adaptiveFocalLoss(mask, logits, { parameters, checkBinary: false });
 */
export async function prepareAdaptiveFocalParameters(
  yTrue: tf.Tensor,
  options: Pick<AdaptiveFocalLossOptions, 'gradient' | 'checkBinary'> = {},
): Promise<AdaptiveParameters> {
  const fn = 'prepareAdaptiveFocalParameters';
  const samples = await maskParameters(fn, yTrue, options.gradient ?? 'central');
  if ((options.checkBinary ?? true) && samples.some((s) => s.nonBinary)) throw nonBinaryError(fn, 'yTrue', yTrue);
  return toAdaptiveParameters(samples);
}

function validate(fn: string, yTrue: tf.Tensor, yPred: tf.Tensor, mode: AdaptiveAlphaMode): void {
  assertSegmentationRank(fn, 'yTrue', yTrue);
  assertSegmentationRank(fn, 'yPred', yPred);
  const spatialTrue = yTrue.shape.slice(0, -1);
  const spatialPred = yPred.shape.slice(0, -1);
  const sameSpatial = yTrue.rank === yPred.rank && spatialTrue.every((d, i) => d === spatialPred[i]);
  const cTrue = yTrue.shape[yTrue.rank - 1];
  const cPred = yPred.shape[yPred.rank - 1];
  if (mode === 'authors-code') {
    if (cPred !== 2) {
      throw aflError(fn, `alpha 'authors-code' needs yPred with 2 channels (background, tumour), got yPred ${shapeOf(yPred)}.`);
    }
    if (!sameSpatial || (cTrue !== 1 && cTrue !== 2)) {
      throw aflError(fn, `alpha 'authors-code' needs yTrue [batch, ...spatial, 1 or 2] matching yPred's batch and spatial size, got yTrue ${shapeOf(yTrue)} and yPred ${shapeOf(yPred)}.`);
    }
    return;
  }
  if (cPred !== 1) {
    throw aflError(fn, `yPred must have 1 channel (one sigmoid map) with alpha '${mode}', got yPred ${shapeOf(yPred)}; use alpha 'authors-code' for a 2-channel (background, tumour) output.`);
  }
  if (!sameSpatial || cTrue !== 1) {
    throw aflError(fn, `yTrue and yPred must have the same shape, got yTrue ${shapeOf(yTrue)} and yPred ${shapeOf(yPred)}.`);
  }
}

/**
 * Adaptive Focal Loss (A-FL, Islam et al. 2024): a sigmoid focal loss whose class weight and focusing exponent are
 * computed per patient from the ground-truth mask (see {@link adaptiveParameters}):
 *
 * `A-FL(pt) = -w (1 - pt)^gammaAdaptive log(pt)`, `gammaAdaptive = gammaVa + gammaMSa` (eqs. 6–8),
 * `pt = p` where the target is 1 and `1 - p` where it is 0, `p = sigmoid(logit)`.
 *
 * Each sample's loss is the mean over its voxels (and channels); `reduction` then combines the batch.
 * The modulating factor is computed in log space, so tiny gammas (0.002–0.05 on real masks) at saturated logits
 * give finite losses and gradients. With all three ablation switches off and `alpha: 'classwise'` it equals
 * `focalLoss(yTrue, yPred, { alpha: 0.25, gamma: 2 })`.
 *
 * @param yTrue channels-last binary mask `[B, ...spatial, 1]` (or `[B, ...spatial, 2]` one-hot with `'authors-code'`).
 * @param yPred logits `[B, ...spatial, 1]` (`[B, ...spatial, 2]` with `'authors-code'`).
 * @see https://arxiv.org/abs/2407.09828
 * @example
 * const loss = adaptiveFocalLoss(mask, logits);                      // tf.Scalar
 * const ablated = adaptiveFocalLoss(mask, logits, { useGammaMSa: false });
 */
export function adaptiveFocalLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: AdaptiveFocalLossOptions = {}): tf.Tensor {
  const fn = 'adaptiveFocalLoss';
  const { alpha: mode = 'classwise', reduction = 'mean', fromLogits = true, checkBinary = true } = options;
  assertOneOf(fn, 'alpha', mode, ADAPTIVE_ALPHA_MODES);
  checkReduction(fn, reduction);
  validate(fn, yTrue, yPred, mode);
  if (options.parameters && options.parameters.alphaVa.shape[0] !== yTrue.shape[0]) {
    throw aflError(fn, `parameters hold ${options.parameters.alphaVa.shape[0]} samples but yTrue has batch ${yTrue.shape[0]}.`);
  }
  if (options.gradient !== undefined) assertOneOf(fn, 'gradient', options.gradient, MASK_GRADIENTS);
  const params = options.parameters ?? adaptiveParametersOnDevice(yTrue, { gradient: options.gradient ?? 'central' });
  const owned = params === options.parameters ? null : params;
  const loss = tf.tidy(() => {
    const p = params as AdaptiveParameters;
    const { alpha, gamma } = effectiveParameters(p, options);
    const rank = yPred.rank;
    const gammaB = perSample(gamma, rank);
    const alphaB = perSample(alpha, rank);
    const logits = toLogits(tf.cast(yPred, 'float32'), fromLogits);
    let lossMap: tf.Tensor;
    if (mode === 'authors-code') {
      const fg = tf.expandDims(foregroundOf(fn, yTrue), -1);
      const target = tf.concat([tf.sub(1, fg), fg], -1);
      const fgWeight: tf.Tensor1D = options.useAlphaVa === false ? tf.sub(1, alpha) : p.gammaVa;
      const channelWeights = tf.concat([tf.reshape(alpha, [-1, ...Array(rank - 1).fill(1)]), tf.reshape(fgWeight, [-1, ...Array(rank - 1).fill(1)])], -1);
      lossMap = tf.mul(sigmoidFocalTerms(target, logits, gammaB, null), channelWeights);
    } else {
      const target = tf.cast(yTrue, 'float32');
      let weights: [tf.Tensor | number, tf.Tensor | number] | null;
      if (mode === 'none') weights = null;
      else if (mode === 'scalar' && options.useAlphaVa !== false) weights = [alphaB, alphaB];
      else weights = [alphaB, tf.sub(1, alphaB)];
      lossMap = sigmoidFocalTerms(target, logits, gammaB, weights);
    }
    const perSampleLoss = tf.mean(tf.reshape(lossMap, [lossMap.shape[0], -1]), 1);
    const reduced = reduction === 'none' ? perSampleLoss : reduction === 'mean' ? tf.mean(perSampleLoss) : tf.sum(perSampleLoss);
    if (!checkBinary) return reduced;
    // A non-binary yTrue selects NaN (a select, not arithmetic: GPU shaders need not propagate NaN through it).
    return tf.where(tf.broadcastTo(nonBinaryFlag(yTrue), reduced.shape), tf.fill(reduced.shape, NaN), reduced);
  });
  if (owned) disposeAdaptiveParameters(owned);
  return loss;
}
