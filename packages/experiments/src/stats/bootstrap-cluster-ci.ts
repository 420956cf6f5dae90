import { mulberry32 } from './mulberry32';
import { quantileSorted } from './quantile-sorted';
import { reportError } from './report-error';
import type { BootstrapOptions } from './bootstrap-mean-ci';

export interface ClusterBootstrapInterval {
  /** The statistic on the data as they are (the point estimate). */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  resamples: number;
  seed: number;
  /** Clusters (e.g. cases) resampled. */
  n: number;
  /** Resamples whose statistic was not finite (NaN is dropped; ±Infinity is kept and sorts to the ends). */
  undefinedResamples: number;
}

/**
 * Percentile-bootstrap confidence interval of any statistic of n clusters (e.g. cases, each with its evaluations over
 * seeds): draw B resamples of n cluster indices with replacement and take the (1 − level)/2 and (1 + level)/2 quantiles
 * of the statistic over them (linear interpolation). `statistic(counts)` gets how often each cluster is in the resample
 * (`counts[i]`; all 1 for the data as they are), so that a ratio of means is computed on the pooled sums. The draws are
 * those of {@link bootstrapMeanCI} (index ⌊u·n⌋ from mulberry32(seed)), so with the mean of one value per cluster both give
 * the same interval. Resamples whose statistic is NaN are dropped (counted in `undefinedResamples`).
 *
 * @example bootstrapClusterCI(3, (c) => ratioOfWeightedMeans(c), { seed: 0 })
 */
export function bootstrapClusterCI(n: number, statistic: (counts: ArrayLike<number>) => number, options: BootstrapOptions = {}): ClusterBootstrapInterval {
  const fn = 'bootstrapClusterCI';
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(n) || n < 0) throw reportError(fn, `n must be a non-negative integer, got ${String(n)}.`);
  if (!Number.isInteger(resamples) || resamples < 1) throw reportError(fn, `resamples must be a positive integer, got ${String(resamples)}.`);
  if (!(level > 0 && level < 1)) throw reportError(fn, `level must be a number in (0, 1), got ${String(level)}.`);
  if (!Number.isFinite(seed)) throw reportError(fn, `seed must be a finite number, got ${String(seed)}.`);
  const ones = new Float64Array(n).fill(1);
  const estimate = n === 0 ? NaN : statistic(ones);
  if (n === 0) return { estimate, lower: NaN, upper: NaN, level, resamples, seed, n, undefinedResamples: resamples };
  const rand = mulberry32(seed);
  const stats: number[] = [];
  const counts = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rand() * n)]++;
    const s = statistic(counts);
    if (!Number.isNaN(s)) stats.push(s);
  }
  stats.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const q = (p: number) => {
    const v = quantileSorted(stats, p);
    if (!Number.isNaN(v) || stats.length === 0) return v;
    // Interpolating between two equal infinities gives NaN: the quantile is that infinity.
    const h = (stats.length - 1) * p;
    return stats[Math.floor(h)];
  };
  return { estimate, lower: q(alpha), upper: q(1 - alpha), level, resamples, seed, n, undefinedResamples: resamples - stats.length };
}

/** Per cluster: the sum and count of A's values and of B's (e.g. A-FL's and FL's Dice of one case over seeds). */
export interface PairedSums {
  sumA: number;
  nA: number;
  sumB: number;
  nB: number;
}

/** Mean of A and of B over the clusters weighted by `counts` (pooled: Σ count·sum / Σ count·n). */
export function weightedMeans(clusters: readonly PairedSums[], counts: ArrayLike<number>): { a: number; b: number } {
  let sa = 0, na = 0, sb = 0, nb = 0;
  clusters.forEach((c, i) => {
    const k = counts[i];
    sa += k * c.sumA; na += k * c.nA; sb += k * c.sumB; nb += k * c.nB;
  });
  return { a: na > 0 ? sa / na : NaN, b: nb > 0 ? sb / nb : NaN };
}

/**
 * Relative gain in % of A's mean over B's, `100 × (mean A − mean B) / mean B`, with the bootstrap CI over clusters
 * (the ratio of the resampled means, not a mean of per-case ratios). Where mean B is 0 the gain is ±Infinity (A > 0) or
 * NaN (A = 0 too, dropped).
 */
export function relativeGainCI(clusters: readonly PairedSums[], options: BootstrapOptions = {}): ClusterBootstrapInterval {
  return bootstrapClusterCI(clusters.length, (counts) => {
    const { a, b } = weightedMeans(clusters, counts);
    return (100 * (a - b)) / b;
  }, options);
}

/** Absolute difference of the means, `mean A − mean B`, with the bootstrap CI over clusters. */
export function meanDifferenceCI(clusters: readonly PairedSums[], options: BootstrapOptions = {}): ClusterBootstrapInterval {
  return bootstrapClusterCI(clusters.length, (counts) => {
    const { a, b } = weightedMeans(clusters, counts);
    return a - b;
  }, options);
}
