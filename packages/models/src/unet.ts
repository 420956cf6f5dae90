import * as tfl from '@tensorflow/tfjs-layers';
import { attentionGate } from './blocks/attention-gate';
import { doubleConvBlock, convNormRelu } from './blocks/conv-block';
import { recurrentResidualBlock } from './blocks/recurrent-residual-block';
import { modelError } from './errors';
import { checkInputShape, ndLayers, normalizeStrides, SpatialDims, StrideSpec } from './layers/nd-layers';

type T = tfl.SymbolicTensor;

/** Options shared by every model factory. Layout is channels-last: `[B, H, W, C]` or `[B, D, H, W, C]`. */
export interface BaseModelConfig {
  /** 2 (default) or 3. */
  spatialDims?: SpatialDims;
  /** Input channels (modalities), default 1. */
  inChannels?: number;
  /** Output logit channels, default 1 (one sigmoid map; 2 = background + tumour). */
  outChannels?: number;
  /** Spatial input size (`[H, W]` or `[D, H, W]`); checked against the strides. Omit for any divisible size. */
  inputShape?: number[];
  /** Model name. */
  name?: string;
  /** Initializer of the conv kernels (a tfjs-layers initializer name), default `'heNormal'`. */
  kernelInitializer?: string;
}

/** Configuration of {@link unet}. */
export interface UNetConfig extends BaseModelConfig {
  /** Channels per level, default `[32, 64, 128, 256, 512]`. */
  channels?: number[];
  /** Down-sampling factor between consecutive levels (`channels.length - 1` entries), default 2 everywhere. */
  strides?: StrideSpec[];
  /** `'transpose'` (default): transposed conv, kernel = stride. `'upsample'`: nearest up-sampling + 3x3 conv + BN + ReLU. */
  decoder?: 'transpose' | 'upsample';
  /** Bias in the convolutions followed by batch norm (the classic reference code has it), default false. */
  convBias?: boolean;
}

/** @internal Block variants of the U-Net family. */
export interface UNetFamilyOptions {
  fn: string;
  block: 'double' | 'recurrent';
  attention: boolean;
  t?: number;
}

/** @internal Builds U-Net, Attention U-Net and R2U-Net from one skeleton. */
export function _buildUNetFamily(config: UNetConfig, family: UNetFamilyOptions): tfl.LayersModel {
  const { fn } = family;
  const { spatialDims = 2, inChannels = 1, outChannels = 1, channels = [32, 64, 128, 256, 512] } = config;
  const { decoder = 'transpose', convBias = false } = config;
  if (!Array.isArray(channels) || channels.length < 2 || channels.some((c) => !Number.isInteger(c) || c < 1)) {
    throw modelError(fn, `channels must list at least 2 positive integers, got ${JSON.stringify(channels)}.`);
  }
  if (!Number.isInteger(outChannels) || outChannels < 1) {
    throw modelError(fn, `outChannels must be a positive integer, got ${JSON.stringify(outChannels)}.`);
  }
  if (decoder !== 'transpose' && decoder !== 'upsample') {
    throw modelError(fn, `decoder must be 'transpose' or 'upsample', got ${JSON.stringify(decoder)}.`);
  }
  const t = family.t ?? 2;
  if (!Number.isInteger(t) || t < 1) throw modelError(fn, `t must be a positive integer, got ${JSON.stringify(t)}.`);
  const strides = normalizeStrides(fn, spatialDims, config.strides, channels.length - 1);
  const shape = checkInputShape(fn, spatialDims, inChannels, config.inputShape, strides);
  const L = ndLayers(spatialDims, config.kernelInitializer);
  const block = (x: T, filters: number): T => family.block === 'double'
    ? doubleConvBlock(L, x, filters, convBias) : recurrentResidualBlock(L, x, filters, t, convBias);

  const input = tfl.input({ shape });
  const skips: T[] = [];
  let x: T = input;
  channels.forEach((filters, level) => {
    if (level > 0) x = L.maxPool(strides[level - 1], strides[level - 1]).apply(x) as T;
    x = block(x, filters);
    skips.push(x);
  });
  for (let level = channels.length - 2; level >= 0; level--) {
    const s = strides[level];
    const up = decoder === 'upsample'
      ? convNormRelu(L, L.upSample(s).apply(x) as T, channels[level], { useBias: convBias })
      : L.convTranspose({ filters: channels[level], kernelSize: s, strides: s }).apply(x) as T;
    const skip = family.attention ? attentionGate(L, up, skips[level], Math.max(1, channels[level] >> 1)) : skips[level];
    x = block(tfl.layers.concatenate().apply([skip, up]) as T, channels[level]);
  }
  const logits = L.conv({ filters: outChannels, kernelSize: 1 }).apply(x) as T;
  return _ownSharedLayers(tfl.model({ inputs: input, outputs: logits, name: config.name }));
}

/**
 * @internal tfjs-layers counts one reference per call of a layer, so `model.dispose()` would leave the weights of a
 * layer called several times (R2U-Net's shared recurrent conv) alive. The model is the layer's only owner: one reference.
 */
export function _ownSharedLayers(model: tfl.LayersModel): tfl.LayersModel {
  for (const layer of model.layers) {
    const l = layer as unknown as { _refCount: number | null };
    if (layer.inboundNodes.length > 1) l._refCount = 1;
  }
  return model;
}

/**
 * U-Net (Ronneberger et al., 2015, https://arxiv.org/abs/1505.04597), 2-D or 3-D, channels-last, logits out.
 * Each level: two (3x3 conv -> BN -> ReLU); max-pool down by the level's stride; transposed-conv (or up-sample + conv)
 * up; skip concatenation; 1x1 head without activation.
 *
 * @example
 * const model = unet({ spatialDims: 2, inChannels: 3, outChannels: 1, channels: [16, 32, 64] });
 * model.predict(tf.zeros([1, 64, 64, 3])); // [1, 64, 64, 1]
 */
export function unet(config: UNetConfig = {}): tfl.LayersModel {
  return _buildUNetFamily(config, { fn: 'unet', block: 'double', attention: false });
}
