import { bootstrapMeanCI } from '../stats/bootstrap-mean-ci';
import { minDetectableDifference } from '../stats/min-detectable-difference';
import { wilcoxonSignedRank } from '../stats/wilcoxon-signed-rank';
import type { CaseRow, Metric } from './case-rows';

export interface PairedComparisonOptions {
  /** Metric compared case by case; default `'dice'`. */
  metric?: Metric;
  /** Bootstrap resamples B; default 2000. */
  resamples?: number;
  /** Bootstrap seed; default 0. */
  seed?: number;
}

export interface PairedStatistics {
  metric: Metric;
  /** Pairs (same caseId and seed) with both values finite. */
  pairs: number;
  /** Pairs dropped because a value was NaN (e.g. an empty mask). */
  nanPairs: number;
  /** Cases of either side without a partner (caseId + seed). */
  unpaired: number;
  meanA: number;
  meanB: number;
  /** Mean of a − b over the pairs. */
  meanDiff: number;
  /** Percentile-bootstrap CI of the mean difference. */
  ciLower: number;
  ciUpper: number;
  ciLevel: number;
  /** Wilcoxon signed-rank, two-sided, zero_method 'wilcox'. */
  statistic: number;
  pValue: number;
  method: 'exact' | 'approx' | 'none';
  /** Zero differences dropped by the Wilcoxon test. */
  nZero: number;
  /**
   * Power: the smallest mean difference this comparison detects with 80 % power at alpha 0.05, over the
   * per-case means of the differences (`minDetectableDifference`), and the number of cases it rests on.
   */
  minDetectable: number;
  mdCases: number;
}

/**
 * Pairs the cases of two groups of cells by caseId + seed (the caller passes rows of one setting, dataset and model) and
 * compares `metric` of a against b: Wilcoxon signed-rank p-value of the differences and a percentile-bootstrap 95 % CI
 * of their mean.
 *
 * @example pairedComparison(aflRows, flRows).pValue
 */
export function pairedComparison(a: readonly CaseRow[], b: readonly CaseRow[], options: PairedComparisonOptions = {}): PairedStatistics {
  const metric = options.metric ?? 'dice';
  const key = (r: CaseRow) => `${r.seed}\u0000${r.caseId}`;
  const bByKey = new Map<string, CaseRow>();
  for (const r of b) if (!bByKey.has(key(r))) bByKey.set(key(r), r);
  const xs: number[] = [];
  const ys: number[] = [];
  const caseIds: string[] = [];
  let nanPairs = 0;
  let matched = 0;
  const used = new Set<string>();
  for (const r of a) {
    const k = key(r);
    const partner = bByKey.get(k);
    if (!partner || used.has(k)) continue;
    used.add(k);
    matched++;
    const x = r[metric];
    const y = partner[metric];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      nanPairs++;
      continue;
    }
    xs.push(x);
    ys.push(y);
    caseIds.push(r.caseId);
  }
  const diffs = xs.map((x, i) => x - ys[i]);
  const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
  const ci = bootstrapMeanCI(diffs, { resamples: options.resamples, seed: options.seed });
  const w = wilcoxonSignedRank(diffs);
  const md = minDetectableDifference(diffs.map((diff, i) => ({ caseId: caseIds[i], diff })));
  return {
    metric,
    pairs: diffs.length,
    nanPairs,
    unpaired: a.length - matched + (b.length - matched),
    meanA: mean(xs),
    meanB: mean(ys),
    meanDiff: mean(diffs),
    ciLower: ci.lower,
    ciUpper: ci.upper,
    ciLevel: ci.level,
    statistic: w.statistic,
    pValue: w.pValue,
    method: w.method,
    nZero: w.nZero,
    minDetectable: md.value,
    mdCases: md.cases,
  };
}
