import * as tfl from '@tensorflow/tfjs-layers';
import { convNormRelu } from './blocks/conv-block';
import { modelError } from './errors';
import { checkInputShape, ndLayers, NdLayers, normalizeStrides, StrideSpec } from './layers/nd-layers';
import { BaseModelConfig } from './unet';

type T = tfl.SymbolicTensor;

/** Configuration of {@link regUnet}. */
export interface RegUNetConfig extends BaseModelConfig {
  /** Channels at level 0; level d has `numChannelInitial * 2^d`. Default 16. */
  numChannelInitial?: number;
  /** Number of down-sampling steps (the bottleneck is level `depth`). Default 3. */
  depth?: number;
  /** Levels (0 = full resolution … depth = bottleneck) that get an output head. Default: all levels. */
  extractLevels?: number[];
  /** Down-sampling factor per step (`depth` entries), default 2 everywhere. */
  strides?: StrideSpec[];
  /** Concatenate skips instead of adding them (MONAI's `concat_skip`), default false. */
  concatSkip?: boolean;
}

/** Residual block: conv -> BN -> ReLU -> conv -> BN -> (+ input) -> ReLU (MONAI RegistrationResidualConvBlock). */
function residualBlock(L: NdLayers, x: T, filters: number): T {
  let y = L.relu().apply(L.batchNorm().apply(L.conv({ filters, kernelSize: 3, useBias: false }).apply(x))) as T;
  y = L.batchNorm().apply(L.conv({ filters, kernelSize: 3, useBias: false }).apply(y)) as T;
  return L.relu().apply(tfl.layers.add().apply([y, x])) as T;
}

function convBlock(L: NdLayers, x: T, filters: number): T {
  return residualBlock(L, convNormRelu(L, x, filters), filters);
}

/**
 * RegUNet, the DeepReg backbone as in MONAI's `RegUNet`, for segmentation.
 * Encoder level d: conv + BN + ReLU and a residual block with `numChannelInitial * 2^d` channels, then max-pool;
 * bottleneck at level `depth`; decoder: transposed conv (kernel = stride) + BN + ReLU, skip ADDED, conv block;
 * one 3x3 conv head (with bias) per extract level, each up-sampled (nearest) to the input size, heads averaged.
 *
 * Deviation from MONAI: MONAI's default `extract_levels` is `(depth,)`, only the bottleneck, whose output up-sampled
 * by 2^depth is too coarse to segment; here the default is every level `[0, …, depth]`. Pass `[depth]` for MONAI's.
 *
 * @see https://arxiv.org/abs/2107.02433 (DeepReg)
 * @example
 * const model = regUnet({ inChannels: 1, numChannelInitial: 8, depth: 3 });
 */
export function regUnet(config: RegUNetConfig = {}): tfl.LayersModel {
  const fn = 'regUnet';
  const { spatialDims = 2, inChannels = 1, outChannels = 1, numChannelInitial = 16, depth = 3 } = config;
  const { concatSkip = false } = config;
  if (!Number.isInteger(depth) || depth < 1) throw modelError(fn, `depth must be a positive integer, got ${depth}.`);
  if (!Number.isInteger(numChannelInitial) || numChannelInitial < 1) {
    throw modelError(fn, `numChannelInitial must be a positive integer, got ${numChannelInitial}.`);
  }
  if (!Number.isInteger(outChannels) || outChannels < 1) {
    throw modelError(fn, `outChannels must be a positive integer, got ${JSON.stringify(outChannels)}.`);
  }
  const extractLevels = config.extractLevels ?? Array.from({ length: depth + 1 }, (_, i) => i);
  if (!Array.isArray(extractLevels) || extractLevels.length === 0 ||
      extractLevels.some((l) => !Number.isInteger(l) || l < 0 || l > depth) ||
      new Set(extractLevels).size !== extractLevels.length) {
    throw modelError(fn, `extractLevels must be distinct integers in [0, ${depth}], got ${JSON.stringify(extractLevels)}.`);
  }
  const strides = normalizeStrides(fn, spatialDims, config.strides, depth);
  const shape = checkInputShape(fn, spatialDims, inChannels, config.inputShape, strides);
  const L = ndLayers(spatialDims, config.kernelInitializer);
  const ch = Array.from({ length: depth + 1 }, (_, d) => numChannelInitial * 2 ** d);
  const minLevel = Math.min(...extractLevels);

  const input = tfl.input({ shape });
  const skips: T[] = [];
  let x: T = input;
  for (let d = 0; d < depth; d++) {
    const skip = convBlock(L, x, ch[d]);
    skips.push(skip);
    x = L.maxPool(strides[d], strides[d]).apply(skip) as T;
  }
  x = convBlock(L, x, ch[depth]);
  const features = new Map<number, T>([[depth, x]]);
  for (let d = depth - 1; d >= minLevel; d--) {
    let up = L.convTranspose({ filters: ch[d], kernelSize: strides[d], strides: strides[d], useBias: false }).apply(x) as T;
    up = L.relu().apply(L.batchNorm().apply(up)) as T;
    const merged = concatSkip ? tfl.layers.concatenate().apply([up, skips[d]]) as T
      : tfl.layers.add().apply([up, skips[d]]) as T;
    x = convBlock(L, merged, ch[d]);
    features.set(d, x);
  }
  const heads = [...extractLevels].sort((a, b) => a - b).map((level) => {
    const head = L.conv({ filters: outChannels, kernelSize: 3, useBias: true }).apply(features.get(level)!) as T;
    const factor = strides.slice(0, level).reduce((p, s) => p.map((v, i) => v * s[i]), new Array(spatialDims).fill(1));
    return level === 0 ? head : L.upSample(factor).apply(head) as T;
  });
  const output = heads.length === 1 ? heads[0] : tfl.layers.average().apply(heads) as T;
  return tfl.model({ inputs: input, outputs: output, name: config.name });
}
