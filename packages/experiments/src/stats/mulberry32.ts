import { createRng } from '@afl/datasets';

/**
 * mulberry32: a small, fast seeded PRNG with 32-bit state, uniform in [0, 1). The same seed gives the same stream on
 * every platform (integer arithmetic only), which is what makes the bootstrap reproducible. One implementation
 * serves the trainer (`seededRandom`) and the statistics: `@afl/datasets`' generator, the same stream.
 */
export function mulberry32(seed: number): () => number {
  return createRng(seed).next;
}
