import type { CreateModelOptions } from '@afl/models';
import type { CellConfig } from '../results/result-schema';

/** Per-level strides that halve each axis while it stays divisible, so shallow depth is not over-pooled. */
export function levelStrides(inputShape: readonly number[], steps: number, minSize = 1): number[][] {
  const size = inputShape.slice();
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const stride = size.map((d) => (d % 2 === 0 && d / 2 >= minSize ? 2 : 1));
    size.forEach((d, i) => (size[i] = d / stride[i]));
    out.push(stride);
  }
  return out;
}

/**
 * The `createModel` options of a cell: the published sizes for the `paper` profile, else a small version of the same
 * architecture with `baseChannels` doubling over `levels` (ResNet50 U-Net: one bottleneck per stage, stem width
 * `baseChannels`, decoder widths scaled down alike).
 */
export function modelOptionsFor(
  cell: Pick<CellConfig, 'model' | 'spatialDims' | 'training'>,
  inChannels: number,
  size: 'paper' | { baseChannels: number; levels: number },
): CreateModelOptions {
  const { model, spatialDims } = cell;
  const inputShape = cell.training.inputShape;
  const base: CreateModelOptions = { spatialDims, inChannels, outChannels: cell.training.outChannels, inputShape };
  if (size === 'paper') {
    if (model === 'resnet50-unet') return { ...base, preset: 'smp', inChannels, outChannels: cell.training.outChannels, spatialDims, inputShape };
    const strides = levelStrides(inputShape, 4, 2);
    if (model === 'regunet') return { ...base, strides: strides.slice(0, 3) };
    return { ...base, strides };
  }
  const { baseChannels: b, levels } = size;
  const channels = Array.from({ length: levels }, (_, i) => b * 2 ** i);
  switch (model) {
    case 'resnet50-unet':
      return {
        ...base,
        blocks: [1, 1, 1, 1],
        baseWidth: b,
        strides: levelStrides(inputShape, 5, 2),
        decoderChannels: [8 * b, 4 * b, 2 * b, b, b],
      };
    case 'regunet':
      return { ...base, numChannelInitial: b, depth: levels - 1, strides: levelStrides(inputShape, levels - 1, 2) };
    case 'r2unet':
      return { ...base, channels, strides: levelStrides(inputShape, levels - 1, 2), t: 2 };
    default:
      return { ...base, channels, strides: levelStrides(inputShape, levels - 1, 2) };
  }
}
