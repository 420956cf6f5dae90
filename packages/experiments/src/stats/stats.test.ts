import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { bootstrapMeanCI } from './bootstrap-mean-ci';
import { meanStd } from './mean-std';
import { minDetectableDifference } from './min-detectable-difference';
import { mulberry32 } from './mulberry32';
import { erfc, normalCdf } from './normal-cdf';
import { quantileSorted } from './quantile-sorted';
import { exactSignedRankCdf, wilcoxonSignedRank } from './wilcoxon-signed-rank';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual} (tol ${tol})`);
}

/** Φ by Simpson integration of the normal density from −12 to z: independent of the erfc series in the source. */
function phiBySimpson(z: number): number {
  const a = -12;
  const steps = 20000;
  const h = (z - a) / steps;
  const f = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = f(a) + f(z);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Two-sided exact p by brute force over all 2ⁿ sign patterns of the ranks 1..n. */
function exactPByEnumeration(n: number, t: number): number {
  let atMost = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let w = 0;
    for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) w += r;
    if (w <= t) atMost++;
  }
  return Math.min(1, (2 * atMost) / 2 ** n);
}

describe('normalCdf', () => {
  it('matches textbook quantiles', () => {
    close(normalCdf(0), 0.5, 1e-15);
    close(normalCdf(1.959963984540054), 0.975, 1e-13);
    close(normalCdf(-3), 0.0013498980316301, 1e-15);
    close(normalCdf(-1), 0.15865525393145707, 1e-14);
    close(erfc(3), 2.209049699858544e-5, 1e-18);
    close(erfc(0.5), 0.4795001221869535, 1e-15);
  });
  it('agrees with numerical integration across the range', () => {
    for (const z of [-6, -4.2, -2.5, -1.3, -0.2, 0.7, 1.9, 2.8, 4]) close(normalCdf(z), phiBySimpson(z), 1e-10, `z=${z}`);
  });
});

describe('quantileSorted and meanStd', () => {
  it('interpolates linearly between order statistics (numpy default)', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    close(quantileSorted([1, 2, 3, 4, 10], 0.9), 7.6, 1e-12);
    assert.equal(quantileSorted([5], 0.3), 5);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  });
  it('rejects q outside [0, 1]', () => {
    assert.throws(() => quantileSorted([1], 1.5), /Error in quantileSorted: q must be a number in \[0, 1\], got 1.5/);
  });
  it('skips NaN and counts it', () => {
    const s = meanStd([1, 3, NaN, 5]);
    assert.equal(s.mean, 3);
    assert.equal(s.std, 2);
    assert.equal(s.n, 3);
    assert.equal(s.nSkipped, 1);
    const e = meanStd([NaN]);
    assert.ok(Number.isNaN(e.mean) && Number.isNaN(e.std));
  });
});

describe('wilcoxonSignedRank', () => {
  it('exact: a 7-pair example worked out by hand and by enumeration', () => {
    // |d| ranks: 0.3→1, 0.4→2, 0.7→3, 1.1→4, 1.5→5, 2.2→6, 3.1→7; negatives -0.3 and -1.1 → W− = 1 + 4 = 5, W+ = 23.
    // Subsets of {1..7} with sum ≤ 5: {}, {1}, {2}, {3}, {1,2}, {4}, {1,3}, {5}, {1,4}, {2,3} → 10 of 128; p = 20/128.
    const r = wilcoxonSignedRank([1.5, -0.3, 2.2, 0.7, 3.1, -1.1, 0.4]);
    assert.equal(r.method, 'exact');
    assert.equal(r.wMinus, 5);
    assert.equal(r.wPlus, 23);
    assert.equal(r.statistic, 5);
    assert.equal(r.pValue, 20 / 128);
    assert.equal(r.pValue, exactPByEnumeration(7, 5));
  });
  it('exact: the DP distribution equals brute-force enumeration for every n ≤ 12 and t', () => {
    for (let n = 1; n <= 12; n++) {
      for (let t = 0; t <= (n * (n + 1)) / 4; t++) close(Math.min(1, 2 * exactSignedRankCdf(n, t)), exactPByEnumeration(n, t), 1e-14, `n=${n} t=${t}`);
    }
  });
  it('exact: scipy.stats.wilcoxon documentation example (Cushny–Peebles differences), T = 24, p = 0.041259765625', () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const r = wilcoxonSignedRank(d);
    assert.equal(r.statistic, 24);
    close(r.pValue, 0.041259765625, 1e-15);
  });
  it('takes paired x, y and gives the same as their differences; symmetric in x and y', () => {
    const x = [0.81, 0.62, 0.93, 0.55, 0.7, 0.66];
    const y = [0.8, 0.6, 0.9, 0.6, 0.64, 0.61];
    const a = wilcoxonSignedRank(x, y);
    const b = wilcoxonSignedRank(y, x);
    assert.equal(a.pValue, b.pValue);
    assert.equal(a.wPlus, b.wMinus);
  });
  it('all differences positive, n = 5: p = 2/32', () => {
    assert.equal(wilcoxonSignedRank([1, 2, 3, 4, 5]).pValue, 0.0625);
  });
  it('normal approximation with ties and zeros (zero_method "wilcox"), checked against a formula computed here', () => {
    const d = [0.1, 0.1, -0.2, 0, 0.3, 0.3, 0.3, -0.1, 0.5, 0, 0.2, 0.4];
    const r = wilcoxonSignedRank(d);
    assert.equal(r.method, 'approx');
    assert.equal(r.nZero, 2);
    assert.equal(r.n, 10);
    assert.ok(r.hasTies);
    // Non-zero |d| sorted: .1 .1 .1 | .2 .2 | .3 .3 .3 | .4 | .5 → ranks 2, 2, 2 | 4.5, 4.5 | 7, 7, 7 | 9 | 10.
    // Negative: -0.2 (4.5), -0.1 (2) → W− = 6.5. Tie groups: 3, 2, 3.
    const n = 10;
    const variance = (n * (n + 1) * (2 * n + 1)) / 24 - (2 * (27 - 3) + (8 - 2)) / 48;
    const z = (6.5 - (n * (n + 1)) / 4) / Math.sqrt(variance);
    assert.equal(r.statistic, 6.5);
    close(r.z, z, 1e-12);
    close(r.pValue, 2 * phiBySimpson(-Math.abs(z)), 1e-10);
    // scipy.stats.wilcoxon(d, method='approx').pvalue (scipy 1.17.1)
    close(r.pValue, 0.03130779790854022, 1e-12);
  });
  it('normal approximation for n > 25: matches scipy (n = 40 with a zero and ties)', () => {
    const d = [0.122, -0.108, 0.041, -0.008, -0.003, 0.009, -0.081, 0.008, -0.023, 0.186, 0.031, 0.002, 0.006, -0.013, -0.033, 0, 0.044,
      0.008, 0.068, 0.01, 0.021, 0.097, 0.047, -0.005, 0.011, 0.047, 0.117, 0.007, 0.008, 0.07, -0.024, 0.005, 0.064, 0.049, 0.025, 0.054,
      -0.121, 0.071, -0.028, -0.063];
    const r = wilcoxonSignedRank(d);
    assert.equal(r.method, 'approx');
    assert.equal(r.statistic, 234);
    close(r.pValue, 0.029458362174449866, 1e-12);
  });
  it('all-zero differences give p = NaN; NaN input is rejected', () => {
    assert.ok(Number.isNaN(wilcoxonSignedRank([0, 0, 0]).pValue));
    assert.throws(() => wilcoxonSignedRank([0.1, NaN]), /Error in wilcoxonSignedRank: differences must be finite .* got NaN at index 1/);
    assert.throws(() => wilcoxonSignedRank([1, 2], [1]), /x and y must have the same length, got 2 and 1/);
    assert.throws(() => wilcoxonSignedRank([1, 1, 2], undefined, { method: 'exact' }), /exact distribution needs untied/);
  });
});

describe('bootstrapMeanCI', () => {
  const diffs = [0.02, 0.05, -0.01, 0.03, 0.08, -0.02, 0.04, 0.01, 0.06, 0.0];
  it('is deterministic for a seed and changes with the seed', () => {
    const a = bootstrapMeanCI(diffs, { seed: 7 });
    const b = bootstrapMeanCI(diffs, { seed: 7 });
    const c = bootstrapMeanCI(diffs, { seed: 8 });
    assert.deepEqual(a, b);
    assert.notEqual(a.lower, c.lower);
    assert.equal(a.resamples, 2000);
    close(a.mean, 0.026, 1e-15);
    assert.ok(a.lower < a.mean && a.mean < a.upper);
  });
  it('interval is close to the normal-theory interval for a symmetric sample', () => {
    const rand = mulberry32(11);
    const xs = Array.from({ length: 200 }, () => rand() - 0.5);
    const { mean, std } = meanStd(xs);
    const ci = bootstrapMeanCI(xs, { seed: 3, resamples: 4000 });
    const half = (1.959964 * std) / Math.sqrt(xs.length);
    close(ci.lower, mean - half, half * 0.1);
    close(ci.upper, mean + half, half * 0.1);
  });
  it('covers the true mean in about 95 % of repeated samples', () => {
    const rand = mulberry32(2024);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    let covered = 0;
    const reps = 300;
    for (let r = 0; r < reps; r++) {
      const xs = Array.from({ length: 30 }, () => 0.05 + 0.1 * normal());
      const ci = bootstrapMeanCI(xs, { seed: r, resamples: 500 });
      if (ci.lower <= 0.05 && 0.05 <= ci.upper) covered++;
    }
    // Percentile bootstrap at n = 30 under-covers slightly (≈ 0.93); binomial sd at 300 reps ≈ 0.013.
    assert.ok(covered / reps > 0.88 && covered / reps < 0.99, `coverage ${covered / reps}`);
  });
  it('validates its options and input', () => {
    assert.throws(() => bootstrapMeanCI([1], { resamples: 0 }), /Error in bootstrapMeanCI: resamples must be a positive integer, got 0/);
    assert.throws(() => bootstrapMeanCI([1], { level: 1 }), /level must be a number in \(0, 1\), got 1/);
    assert.throws(() => bootstrapMeanCI([1, NaN]), /values must be finite .* got NaN at index 1/);
    assert.ok(Number.isNaN(bootstrapMeanCI([]).lower));
  });
});

describe('minDetectableDifference', () => {
  it('averages seeds per case, then (z.975 + z.8) sd / sqrt(n 3/pi) (hand-worked in Python)', () => {
    const two = minDetectableDifference([{ caseId: 'a', diff: 0.1 }, { caseId: 'b', diff: -0.1 }]);
    assert.ok(Math.abs(two.value - 0.2866936978283089) < 1e-12, String(two.value));
    // case means 0.1, -0.1, 0.3 (sd 0.2); the NaN difference is skipped
    const three = minDetectableDifference([
      { caseId: 'a', diff: 0.2 },
      { caseId: 'a', diff: 0 },
      { caseId: 'b', diff: -0.1 },
      { caseId: 'c', diff: 0.3 },
      { caseId: 'c', diff: NaN },
    ]);
    assert.equal(three.cases, 3);
    assert.ok(Math.abs(three.sd - 0.2) < 1e-12);
    assert.ok(Math.abs(three.value - 0.3310453672322867) < 1e-12, String(three.value));
    assert.ok(Number.isNaN(minDetectableDifference([{ caseId: 'a', diff: 0.5 }, { caseId: 'a', diff: 0.1 }]).value));
  });
});
