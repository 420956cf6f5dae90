import { mulberry32 } from '../stats/mulberry32';

/** Mixes integers into a 32-bit seed (splitmix-style), so every (seed, epoch, step) gets its own stream. */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1) (`@afl/datasets`' generator, the same stream). */
export const seededRandom: (seed: number) => () => number = mulberry32;

/** A seeded Fisher–Yates permutation of `0 .. n-1`. */
export function seededPermutation(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
