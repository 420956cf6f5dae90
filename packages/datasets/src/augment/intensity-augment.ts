import { fillNormal, type Rng } from '../random';
import { checkSample, type AugmentSample } from './augment-sample';

/** Options of {@link randomGaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Probability. Default 0.4. */
  prob?: number;
  /** Mean. Default 0. */
  mean?: number;
  /** Largest standard deviation; the actual one is drawn uniformly in [0, std] (MONAI `sample_std=True`). Default 0.1. */
  std?: number;
}

/** Adds Gaussian noise to every image voxel with probability `prob` (MONAI `RandGaussianNoise`), in place. */
export function randomGaussianNoise(sample: AugmentSample, rng: Rng, options: GaussianNoiseOptions = {}): boolean {
  checkSample('randomGaussianNoise', sample);
  if (!rng.bernoulli(options.prob ?? 0.4)) return false;
  const sd = rng.uniform(0, options.std ?? 0.1);
  const noise = new Float32Array(sample.image.length);
  fillNormal(rng, noise, options.mean ?? 0, sd);
  const im = sample.image;
  for (let i = 0; i < im.length; i++) im[i] += noise[i];
  return true;
}

/** Options of {@link randomScaleShift}. */
export interface ScaleShiftOptions {
  /** Probability of the scale step. Default 0.4. */
  scaleProb?: number;
  /** Scale factor range: `v * (1 + f)`, f uniform in [-factor, factor] (MONAI `RandScaleIntensity(factors=0.1)`). Default 0.1. */
  factor?: number;
  /** Probability of the shift step. Default 0.4. */
  shiftProb?: number;
  /** Shift range: `v + o`, o uniform in [-offset, offset] (MONAI `RandShiftIntensity(offsets=0.1)`). Default 0.1. */
  offset?: number;
}

/** Random intensity scale, then random intensity shift (same factor for all channels), in place. */
export function randomScaleShift(sample: AugmentSample, rng: Rng, options: ScaleShiftOptions = {}): { scale?: number; shift?: number } {
  checkSample('randomScaleShift', sample);
  const out: { scale?: number; shift?: number } = {};
  const im = sample.image;
  if (rng.bernoulli(options.scaleProb ?? 0.4)) {
    const f = options.factor ?? 0.1;
    out.scale = 1 + rng.uniform(-f, f);
    for (let i = 0; i < im.length; i++) im[i] *= out.scale;
  }
  if (rng.bernoulli(options.shiftProb ?? 0.4)) {
    const o = options.offset ?? 0.1;
    out.shift = rng.uniform(-o, o);
    for (let i = 0; i < im.length; i++) im[i] += out.shift;
  }
  return out;
}
