import * as tfl from '@tensorflow/tfjs-layers';
import { convNormRelu } from './blocks/conv-block';
import { modelError } from './errors';
import { checkInputShape, ndLayers, NdLayers, normalizeStrides, SpatialDims, StrideSpec } from './layers/nd-layers';
import { BaseModelConfig } from './unet';

type T = tfl.SymbolicTensor;

/** ResNet encoder options (ResNet50 by default). */
export interface ResNetEncoderConfig extends BaseModelConfig {
  /** Bottleneck blocks per stage, default `[3, 4, 6, 3]` (ResNet50). */
  blocks?: number[];
  /** Stem width; stage widths are `baseWidth * [1, 2, 4, 8]` (outputs x4). Default 64. */
  baseWidth?: number;
  /**
   * Strides of the 5 down-sampling stages: stem conv, max-pool, layer2, layer3, layer4. Default 2 everywhere in 2-D;
   * in 3-D the PI-CAI strides `[[2,2,2],[1,4,2],[2,2,2],[1,2,2],[3,1,2]]` ([D, H, W]; totals 12 x 32 x 32), which
   * fit the paper's 24 x 160 x 128 crops (the authors' `((2,2,2),(4,2,1),(2,2,2),(2,2,1),(1,2,3))` in (H, W, D) order).
   */
  strides?: StrideSpec[];
}

/** Configuration of {@link resnet50Unet}. */
export interface ResNet50UNetConfig extends ResNetEncoderConfig {
  /** Decoder block channels, default `[256, 128, 64, 32, 16]`. */
  decoderChannels?: number[];
}

/** PI-CAI stage strides in [D, H, W] order (see {@link ResNetEncoderConfig.strides}). */
export const PICAI_RESNET_STRIDES: number[][] = [[2, 2, 2], [1, 4, 2], [2, 2, 2], [1, 2, 2], [3, 1, 2]];

function defaultStrides(spatialDims: SpatialDims, strides: StrideSpec[] | undefined): StrideSpec[] | undefined {
  return strides ?? (spatialDims === 3 ? PICAI_RESNET_STRIDES : undefined);
}

function convBn(L: NdLayers, x: T, filters: number, kernelSize: number, strides: number[] | undefined,
  convName: string, bnName: string): T {
  const y = L.conv({ filters, kernelSize, strides, useBias: false, name: convName }).apply(x) as T;
  return L.batchNorm(bnName).apply(y) as T;
}

function bottleneck(L: NdLayers, x: T, planes: number, stride: number[], downsample: boolean, name: string): T {
  let y = L.relu(`${name}_relu1`).apply(convBn(L, x, planes, 1, undefined, `${name}_conv1`, `${name}_bn1`)) as T;
  // ResNet v1.5: the stride sits on the 3x3 conv.
  y = L.relu(`${name}_relu2`).apply(convBn(L, y, planes, 3, stride, `${name}_conv2`, `${name}_bn2`)) as T;
  y = convBn(L, y, planes * 4, 1, undefined, `${name}_conv3`, `${name}_bn3`);
  const shortcut = downsample
    ? convBn(L, x, planes * 4, 1, stride, `${name}_downsample_0`, `${name}_downsample_1`) : x;
  return L.relu(`${name}_relu`).apply(tfl.layers.add({ name: `${name}_add` }).apply([y, shortcut])) as T;
}

/** @internal Builds the encoder on `input`; returns the 5 stage features (strides /s1, /s1s2, …). */
export function _resnetFeatures(fn: string, L: NdLayers, input: T, config: ResNetEncoderConfig,
  strides: number[][]): T[] {
  const { blocks = [3, 4, 6, 3], baseWidth = 64 } = config;
  if (!Array.isArray(blocks) || blocks.length !== 4 || blocks.some((b) => !Number.isInteger(b) || b < 1)) {
    throw modelError(fn, `blocks must be 4 positive integers, got ${JSON.stringify(blocks)}.`);
  }
  if (!Number.isInteger(baseWidth) || baseWidth < 1) {
    throw modelError(fn, `baseWidth must be a positive integer, got ${baseWidth}.`);
  }
  // Layer names follow torchvision's state-dict keys ('.' -> '_', prefix 'encoder_') so weights map by name.
  let x = L.conv({ filters: baseWidth, kernelSize: 7, strides: strides[0], useBias: false, name: 'encoder_conv1' })
    .apply(input) as T;
  x = L.relu('encoder_relu').apply(L.batchNorm('encoder_bn1').apply(x)) as T;
  const features: T[] = [x];
  x = L.maxPool(strides[1].map((s) => Math.max(3, s)), strides[1], 'encoder_maxpool').apply(x) as T;
  for (let stage = 0; stage < 4; stage++) {
    const planes = baseWidth * 2 ** stage;
    const stride = stage === 0 ? strides[1].map(() => 1) : strides[stage + 1];
    for (let b = 0; b < blocks[stage]; b++) {
      x = bottleneck(L, x, planes, b === 0 ? stride : stride.map(() => 1), b === 0,
        `encoder_layer${stage + 1}_${b}`);
    }
    features.push(x);
  }
  return features;
}

function prepare(fn: string, config: ResNetEncoderConfig) {
  const { spatialDims = 2, inChannels = 3 } = config;
  const strides = normalizeStrides(fn, spatialDims, defaultStrides(spatialDims, config.strides), 5);
  const shape = checkInputShape(fn, spatialDims, inChannels, config.inputShape, strides);
  return { L: ndLayers(spatialDims, config.kernelInitializer), strides, input: tfl.input({ shape }) };
}

/**
 * ResNet encoder alone (ResNet50 v1.5 by default): a model whose 5 outputs are the stem (after ReLU) and the outputs of
 * layer1…layer4, as the U-Net uses them.
 */
export function resnetEncoder(config: ResNetEncoderConfig = {}): tfl.LayersModel {
  const fn = 'resnetEncoder';
  const { L, strides, input } = prepare(fn, config);
  return tfl.model({ inputs: input, outputs: _resnetFeatures(fn, L, input, config, strides), name: config.name });
}

/**
 * U-Net with a ResNet50 encoder as segmentation_models_pytorch builds it (`smp.Unet('resnet50')`), the paper's main
 * model (Section 3.3): ResNet50 v1.5 encoder (convs without bias, each followed by BN); decoder blocks with channels
 * `[256, 128, 64, 32, 16]`, each: nearest up-sampling by the matching stage stride, concatenation with the encoder
 * feature of that resolution (none for the last), two (3x3 conv, no bias -> BN -> ReLU); a 3x3 conv head (bias), logits.
 * In 3-D every kernel is k x k x k and the stage strides may be anisotropic (see {@link ResNetEncoderConfig.strides}).
 *
 * @example
 * const model = resnet50Unet({ inChannels: 3, outChannels: 1 });   // 32,521,105 PyTorch-counted parameters
 */
export function resnet50Unet(config: ResNet50UNetConfig = {}): tfl.LayersModel {
  const fn = 'resnet50Unet';
  const { outChannels = 1, decoderChannels = [256, 128, 64, 32, 16] } = config;
  if (!Array.isArray(decoderChannels) || decoderChannels.length !== 5 ||
      decoderChannels.some((c) => !Number.isInteger(c) || c < 1)) {
    throw modelError(fn, `decoderChannels must be 5 positive integers, got ${JSON.stringify(decoderChannels)}.`);
  }
  if (!Number.isInteger(outChannels) || outChannels < 1) {
    throw modelError(fn, `outChannels must be a positive integer, got ${JSON.stringify(outChannels)}.`);
  }
  const { L, strides, input } = prepare(fn, config);
  const features = _resnetFeatures(fn, L, input, config, strides);
  const skips = [features[3], features[2], features[1], features[0], undefined];
  let x = features[4];
  decoderChannels.forEach((filters, i) => {
    x = L.upSample(strides[4 - i], `decoder_blocks_${i}_up`).apply(x) as T;
    const skip = skips[i];
    if (skip) x = tfl.layers.concatenate({ name: `decoder_blocks_${i}_concat` }).apply([x, skip]) as T;
    x = convNormRelu(L, x, filters, { name: `decoder_blocks_${i}_1` });
    x = convNormRelu(L, x, filters, { name: `decoder_blocks_${i}_2` });
  });
  const logits = L.conv({ filters: outChannels, kernelSize: 3, useBias: true, name: 'segmentation_head' }).apply(x) as T;
  return tfl.model({ inputs: input, outputs: logits, name: config.name });
}
