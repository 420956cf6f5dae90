import * as tfl from '@tensorflow/tfjs-layers';
import { attentionUnet } from './attention-unet';
import { modelError } from './errors';
import { r2Unet, R2UNetConfig } from './r2-unet';
import { regUnet, RegUNetConfig } from './reg-unet';
import { resnet50Unet, ResNet50UNetConfig } from './resnet50-unet';
import { unet, UNetConfig } from './unet';

/** Model names accepted by {@link createModel}. */
export const MODEL_NAMES = ['unet', 'attention-unet', 'regunet', 'r2unet', 'resnet50-unet'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Reference configurations: `'classic'` (U-Net family, 64…1024) and `'smp'` (ResNet50 U-Net). */
export type ModelPreset = 'classic' | 'smp';

/** Options of {@link createModel}: the chosen model's config plus an optional preset. */
export type CreateModelOptions = UNetConfig & R2UNetConfig & RegUNetConfig & ResNet50UNetConfig & {
  preset?: ModelPreset;
};

/**
 * The classic reference implementation of U-Net / Attention U-Net / R2U-Net (channels 64…1024, convs with bias + BN,
 * nearest 2x up-sampling + 3x3 conv decoder, 1x1 head, 3 inputs, 1 output): 34,527,041 / 34,878,573 / 39,091,393
 * parameters.
 */
const CLASSIC: UNetConfig = { channels: [64, 128, 256, 512, 1024], convBias: true, decoder: 'upsample', inChannels: 3,
  outChannels: 1 };

const PRESETS: Record<ModelName, Partial<Record<ModelPreset, CreateModelOptions>>> = {
  'unet': { classic: CLASSIC },
  'attention-unet': { classic: CLASSIC },
  'r2unet': { classic: { ...CLASSIC, t: 2 } },
  'regunet': {},
  'resnet50-unet': { smp: { inChannels: 3, outChannels: 1, decoderChannels: [256, 128, 64, 32, 16] } },
};

const BUILDERS: Record<ModelName, (c: CreateModelOptions) => tfl.LayersModel> = {
  'unet': unet,
  'attention-unet': attentionUnet,
  'regunet': regUnet,
  'r2unet': r2Unet,
  'resnet50-unet': resnet50Unet,
};

/**
 * Builds a model by name. `options.preset` starts from a reference configuration; other options override it.
 *
 * @example
 * const model = createModel('attention-unet', { spatialDims: 3, inChannels: 3, outChannels: 2, channels: [8, 16, 32],
 *   strides: [[1, 2, 2], [2, 2, 2]], inputShape: [24, 160, 128] });
 * const smp = createModel('resnet50-unet', { preset: 'smp', inChannels: 4, outChannels: 2 });
 */
export function createModel(name: ModelName, options: CreateModelOptions = {}): tfl.LayersModel {
  if (!(MODEL_NAMES as readonly string[]).includes(name)) {
    throw modelError('createModel', `unknown model ${JSON.stringify(name)}, valid names are ` +
      `${MODEL_NAMES.map((n) => `'${n}'`).join(', ')}.`);
  }
  const { preset, ...rest } = options;
  let base: CreateModelOptions = {};
  if (preset !== undefined) {
    const presets = PRESETS[name];
    const found = presets[preset];
    if (!found) {
      const valid = Object.keys(presets);
      throw modelError('createModel', `unknown preset ${JSON.stringify(preset)} for '${name}', valid presets are ` +
        `${valid.length ? valid.map((p) => `'${p}'`).join(', ') : 'none'}.`);
    }
    base = found;
  }
  const config: CreateModelOptions = { ...base };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (config as Record<string, unknown>)[k] = v;
  return BUILDERS[name](config);
}
