import type { Rng } from '../random';
import { checkSample, type AugmentSample } from './augment-sample';

/** Options of {@link randomFlip}. */
export interface RandomFlipOptions {
  /** Probability of flipping each axis, independently. Default 0.5 (paper / authors' code). */
  prob?: number;
  /** Axes that may flip, 0 = D, 1 = H, 2 = W. Default all three. */
  axes?: readonly number[];
}

/** Reverses axis `axis` (0 = D, 1 = H, 2 = W) of a C-order `[D, H, W, C]` array in place. */
export function flipAxis(data: Float32Array | Uint8Array, shape: readonly number[], channels: number, axis: number): void {
  const [D, H, W] = shape;
  const dims = [D, H, W];
  let inner = channels;
  for (let a = axis + 1; a < 3; a++) inner *= dims[a];
  const n = dims[axis];
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= dims[a];
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0, j = n - 1; i < j; i++, j--) {
      const pi = base + i * inner;
      const pj = base + j * inner;
      for (let s = 0; s < inner; s++) {
        const t = data[pi + s];
        data[pi + s] = data[pj + s];
        data[pj + s] = t;
      }
    }
  }
}

/**
 * Flips the sample along each axis with probability `prob` (MONAI `RandFlip(prob=0.5, spatial_axis=k)` per axis), in
 * place. Draws one number per axis in `axes` order. Returns the flipped axes.
 */
export function randomFlip(sample: AugmentSample, rng: Rng, options: RandomFlipOptions = {}): number[] {
  const C = checkSample('randomFlip', sample);
  const prob = options.prob ?? 0.5;
  const flipped: number[] = [];
  for (const axis of options.axes ?? [0, 1, 2]) {
    if (!(axis === 0 || axis === 1 || axis === 2)) throw new Error(`Error in randomFlip: axes must be 0, 1 or 2, got ${axis}.`);
    if (!rng.bernoulli(prob)) continue;
    flipAxis(sample.image, sample.shape, C, axis);
    flipAxis(sample.mask, sample.shape, 1, axis);
    if (sample.labels) flipAxis(sample.labels, sample.shape, 1, axis);
    flipped.push(axis);
  }
  return flipped;
}
