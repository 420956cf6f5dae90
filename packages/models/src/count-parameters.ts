import * as tfl from '@tensorflow/tfjs-layers';
import { modelError } from './errors';

/** Options of {@link countParameters}. */
export interface CountParametersOptions {
  /**
   * `'pytorch'` (default): what `sum(p.numel() for p in model.parameters())` counts — every trainable weight
   * (conv kernels, biases, batch-norm gamma and beta), NOT batch-norm moving mean/variance (PyTorch buffers).
   * `'tfjs'`: `model.countParams()`, every weight including the moving statistics.
   */
  convention?: 'pytorch' | 'tfjs';
}

/**
 * Number of parameters of a model. Weights of shared layers (R2U-Net's recurrent convs) count once.
 *
 * @example
 * countParameters(createModel('resnet50-unet', { preset: 'smp' })); // 32521105
 */
export function countParameters(model: tfl.LayersModel, options: CountParametersOptions = {}): number {
  const { convention = 'pytorch' } = options;
  if (convention === 'tfjs') return model.countParams();
  if (convention !== 'pytorch') {
    throw modelError('countParameters', `convention must be 'pytorch' or 'tfjs', got ${JSON.stringify(convention)}.`);
  }
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce((p: number, d) => p * (d as number), 1), 0);
}
