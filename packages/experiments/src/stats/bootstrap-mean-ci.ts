import { mulberry32 } from './mulberry32';
import { quantileSorted } from './quantile-sorted';
import { reportError } from './report-error';

export interface BootstrapOptions {
  /** Number of bootstrap resamples B; default 2000. */
  resamples?: number;
  /** Seed of the resampling PRNG (mulberry32); default 0. The same seed and data give the same interval. */
  seed?: number;
  /** Confidence level; default 0.95. */
  level?: number;
}

export interface BootstrapInterval {
  /** Mean of the data (the point estimate). */
  mean: number;
  lower: number;
  upper: number;
  level: number;
  resamples: number;
  seed: number;
  n: number;
}

/**
 * Percentile-bootstrap confidence interval of the mean (Efron & Tibshirani 1993, ch. 13): draw B resamples of size n
 * with replacement, take each resample's mean, and report the (1 − level)/2 and (1 + level)/2 quantiles of those B means
 * (linear interpolation, numpy's default). For paired data pass the differences, e.g. Dice(A-FL) − Dice(FL) per case.
 *
 * @example bootstrapMeanCI([0.02, 0.05, -0.01, 0.03], { seed: 1 }) // { mean: 0.0225, lower: …, upper: … }
 */
export function bootstrapMeanCI(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapInterval {
  const fn = 'bootstrapMeanCI';
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw reportError(fn, `resamples must be a positive integer, got ${String(resamples)}.`);
  if (!(level > 0 && level < 1)) throw reportError(fn, `level must be a number in (0, 1), got ${String(level)}.`);
  if (!Number.isFinite(seed)) throw reportError(fn, `seed must be a finite number, got ${String(seed)}.`);
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw reportError(fn, `values must be finite (drop missing values first), got ${String(values[i])} at index ${i}.`);
  }
  if (n === 0) return { mean: NaN, lower: NaN, upper: NaN, level, resamples, seed, n };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const rand = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rand() * n)];
    means[b] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  return {
    mean: sum / n,
    lower: quantileSorted(means, alpha),
    upper: quantileSorted(means, 1 - alpha),
    level,
    resamples,
    seed,
    n,
  };
}
