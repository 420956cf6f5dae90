import { meanStd } from './mean-std';

/** z-quantiles: two-sided alpha 0.05 (0.975) and power 0.8 (0.8). */
const Z_975 = 1.959963984540054;
const Z_80 = 0.8416212335729143;
/** Asymptotic relative efficiency of the Wilcoxon signed-rank test to the paired t-test under normal differences. */
const WILCOXON_ARE = 3 / Math.PI;

export interface MinDetectableDifference {
  /** Smallest true mean difference detected with 80 % power by a two-sided test at alpha 0.05. */
  value: number;
  /** Independent units it rests on: the cases (each case's differences averaged over its seeds). */
  cases: number;
  /** Standard deviation of the per-case mean differences. */
  sd: number;
}

/**
 * How large an effect a paired comparison could detect: `(z_0.975 + z_0.8) * sd / sqrt(n * 3/pi)`, the normal
 * approximation of the paired test's minimal detectable difference at 80 % power and two-sided alpha 0.05, with n
 * discounted by the Wilcoxon test's efficiency (3/pi). Seeds of one case are not independent, so the differences are
 * first averaged per case and n is the number of cases (conservative: seeds narrow only the per-case noise).
 * NaN for fewer than 2 cases.
 *
 * @example minDetectableDifference([{ caseId: 'a', diff: 0.1 }, { caseId: 'b', diff: -0.1 }]).value // 2.8016 * 0.1414 / sqrt(2 * 0.955) = 0.2867
 */
export function minDetectableDifference(diffs: ReadonlyArray<{ caseId: string; diff: number }>): MinDetectableDifference {
  const byCase = new Map<string, number[]>();
  for (const d of diffs) {
    if (!Number.isFinite(d.diff)) continue;
    const list = byCase.get(d.caseId) ?? [];
    list.push(d.diff);
    byCase.set(d.caseId, list);
  }
  const caseMeans = [...byCase.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const { std, n } = meanStd(caseMeans);
  if (n < 2) return { value: NaN, cases: n, sd: NaN };
  return { value: ((Z_975 + Z_80) * std) / Math.sqrt(n * WILCOXON_ARE), cases: n, sd: std };
}
