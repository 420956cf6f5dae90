import { createRng, deriveSeed } from '../random';
import type { SegmentationCase } from '../segmentation-case';
import type { AugmentSample } from './augment-sample';
import { randomAffine, type RandomAffineOptions } from './random-affine';
import { randomFlip, type RandomFlipOptions } from './random-flip';
import { randomGaussianNoise, randomScaleShift, type GaussianNoiseOptions, type ScaleShiftOptions } from './intensity-augment';

/** Options of {@link augmentCase}; `false` switches a step off. Defaults follow the paper and the authors' code. */
export interface AugmentOptions {
  /** Random affine, p 0.2. */
  affine?: RandomAffineOptions | false;
  /** Flip per axis, p 0.5. */
  flip?: RandomFlipOptions | false;
  /** Gaussian noise, p 0.4, std up to 0.1. */
  noise?: GaussianNoiseOptions | false;
  /** Intensity scale and shift, +-0.1 each, p 0.4 each. */
  scaleShift?: ScaleShiftOptions | false;
}

/**
 * The paper's augmentation on one case (affine -> flips -> Gaussian noise -> intensity scale -> shift), on a copy.
 * Each step draws from its own stream derived from `seed`, so the same seed gives the same sample bit for bit and
 * switching one step off does not change the others. Masks (and labels) are resampled nearest and stay binary.
 *
 * @example
 * ```ts
 * const aug = augmentCase(c, deriveSeed(runSeed, 'epoch', epoch, c.id));
 * ```
 */
export function augmentCase<T extends SegmentationCase>(c: T, seed: number, options: AugmentOptions = {}): T {
  let s: AugmentSample = { shape: c.shape, channels: c.channels, image: c.image.slice(), mask: c.mask.slice(), labels: c.labels?.slice() };
  if (options.affine !== false) {
    const r = randomAffine(s, createRng(deriveSeed(seed, 'affine')), options.affine ?? {});
    s = { ...s, image: r.sample.image, mask: r.sample.mask, labels: r.sample.labels };
  }
  if (options.flip !== false) randomFlip(s, createRng(deriveSeed(seed, 'flip')), options.flip ?? {});
  if (options.noise !== false) randomGaussianNoise(s, createRng(deriveSeed(seed, 'noise')), options.noise ?? {});
  if (options.scaleShift !== false) randomScaleShift(s, createRng(deriveSeed(seed, 'scale-shift')), options.scaleShift ?? {});
  return { ...c, image: s.image, mask: s.mask, labels: s.labels };
}
