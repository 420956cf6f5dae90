import { normalCdf } from './normal-cdf';
import { reportError } from './report-error';

/** `'auto'`: exact when n ≤ 25 non-zero differences without ties, else the normal approximation. */
export type WilcoxonMethod = 'auto' | 'exact' | 'approx';

export interface WilcoxonOptions {
  /** How the p-value is computed; default `'auto'`. */
  method?: WilcoxonMethod;
}

export interface WilcoxonResult {
  /** min(W+, W−), the statistic scipy.stats.wilcoxon reports for a two-sided test. */
  statistic: number;
  /** Sum of the ranks of the positive differences (x > y). */
  wPlus: number;
  /** Sum of the ranks of the negative differences (x < y). */
  wMinus: number;
  /** Two-sided p-value; NaN when no non-zero difference is left. */
  pValue: number;
  /** Number of non-zero differences the test used. */
  n: number;
  /** Zero differences, discarded before ranking (zero_method 'wilcox'). */
  nZero: number;
  /** Whether some |differences| are tied (average ranks were used). */
  hasTies: boolean;
  method: 'exact' | 'approx' | 'none';
  /** z of the normal approximation (NaN for the exact method). */
  z: number;
}

/** The exact `'auto'` limit on the number of non-zero differences. */
export const WILCOXON_EXACT_MAX_N = 25;

/**
 * Wilcoxon signed-rank test, two-sided, of the paired differences d = x − y (or of `x` itself when `y` is omitted).
 *
 * Zero handling is scipy.stats.wilcoxon's default `zero_method='wilcox'`: zero differences are dropped before ranking
 * (not Pratt's method, which ranks them and then drops their ranks). The remaining |d| get average ranks on ties;
 * W+ and W− are the rank sums of positive and negative differences and T = min(W+, W−).
 *
 * - exact (n ≤ 25 and no ties, or `method: 'exact'`): under H0 each sign is ± with probability ½, so W+ is distributed
 *   as the sum of a random subset of {1, …, n}; the counts of subsets per sum are built by dynamic programming
 *   (c_i(k) = c_{i−1}(k) + c_{i−1}(k − i)) and p = min(1, 2 · P(W+ ≤ T)).
 * - normal approximation: z = (T − n(n+1)/4) / σ with σ² = n(n+1)(2n+1)/24 − Σ_t (t³ − t)/48 over tie groups of size t,
 *   no continuity correction (scipy's default `correction=False`), p = 2 Φ(−|z|).
 *
 * Versus scipy.stats.wilcoxon (1.17): `method: 'approx'` gives scipy's `method='approx'` exactly; scipy's `'auto'` uses the
 * exact distribution up to n = 50 (here 25) and, for small samples with ties or zeros, a permutation distribution, so
 * its `'auto'` p-values can differ from ours in those cases.
 *
 * @see Wilcoxon F. (1945) Individual comparisons by ranking methods. Biometrics Bulletin 1(6):80–83.
 * @example wilcoxonSignedRank([1, 2, 3, 4, 5]).pValue // 0.0625 = 2 · 1/2⁵ (exact: all five differences positive)
 */
export function wilcoxonSignedRank(x: ArrayLike<number>, y?: ArrayLike<number>, options: WilcoxonOptions = {}): WilcoxonResult {
  const fn = 'wilcoxonSignedRank';
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'exact' && method !== 'approx') {
    throw reportError(fn, `unsupported method ${JSON.stringify(method)}, available options are "auto", "exact", "approx".`);
  }
  if (y !== undefined && y.length !== x.length) {
    throw reportError(fn, `x and y must have the same length, got ${x.length} and ${y.length}.`);
  }
  const nonZero: number[] = [];
  let nZero = 0;
  for (let i = 0; i < x.length; i++) {
    const d = y === undefined ? x[i] : x[i] - y[i];
    if (!Number.isFinite(d)) {
      throw reportError(fn, `differences must be finite (drop pairs with a missing value first), got ${String(d)} at index ${i}.`);
    }
    if (d === 0) nZero++;
    else nonZero.push(d);
  }
  const n = nonZero.length;
  if (n === 0) {
    return { statistic: 0, wPlus: 0, wMinus: 0, pValue: NaN, n: 0, nZero, hasTies: false, method: 'none', z: NaN };
  }

  // Average ranks of |d|.
  const order = nonZero.map((d, i) => ({ a: Math.abs(d), i })).sort((p, q) => p.a - q.a);
  const ranks = new Array<number>(n);
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && order[end].a === order[start].a) end++;
    const t = end - start;
    const avg = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k].i] = avg;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }
  let wPlus = 0;
  let wMinus = 0;
  for (let i = 0; i < n; i++) {
    if (nonZero[i] > 0) wPlus += ranks[i];
    else wMinus += ranks[i];
  }
  const statistic = Math.min(wPlus, wMinus);
  const hasTies = tieTerm > 0;

  const useExact = method === 'exact' || (method === 'auto' && n <= WILCOXON_EXACT_MAX_N && !hasTies);
  if (useExact) {
    if (hasTies) throw reportError(fn, `the exact distribution needs untied |differences|, got ties among ${n} non-zero differences; use method "approx" or "auto".`);
    if (n > 1000) throw reportError(fn, `the exact distribution is limited to 1000 non-zero differences, got ${n}.`);
    const pValue = Math.min(1, 2 * exactSignedRankCdf(n, statistic));
    return { statistic, wPlus, wMinus, pValue, n, nZero, hasTies, method: 'exact', z: NaN };
  }
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = (statistic - mean) / Math.sqrt(variance);
  const pValue = Math.min(1, 2 * normalCdf(-Math.abs(z)));
  return { statistic, wPlus, wMinus, pValue, n, nZero, hasTies, method: 'approx', z };
}

/** P(W+ ≤ t) for n untied non-zero differences under H0 (each of the 2ⁿ sign patterns equally likely). */
export function exactSignedRankCdf(n: number, t: number): number {
  const max = (n * (n + 1)) / 2;
  // counts[k] / 2^i, kept as probabilities so that large n does not overflow.
  let probs = new Float64Array(max + 1);
  probs[0] = 1;
  for (let i = 1; i <= n; i++) {
    const next = new Float64Array(max + 1);
    const top = (i * (i + 1)) / 2;
    for (let k = 0; k <= top; k++) {
      next[k] = 0.5 * (probs[k] + (k >= i ? probs[k - i] : 0));
    }
    probs = next;
  }
  let cdf = 0;
  const upTo = Math.min(max, Math.floor(t + 1e-9));
  for (let k = 0; k <= upTo; k++) cdf += probs[k];
  return cdf;
}
