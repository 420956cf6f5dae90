import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { bootstrapClusterCI, relativeGainCI } from '../stats/bootstrap-cluster-ci';
import { bootstrapMeanCI } from '../stats/bootstrap-mean-ci';
import { mulberry32 } from '../stats/mulberry32';
import { quantileSorted } from '../stats/quantile-sorted';
import { agreementSentences } from './agreement-sentences';
import { buildReport } from './build-report';
import { figure3 } from './figure3';
import { figure3GainPlotly } from './notebook-figures';
import { figure3GainSvg } from './notebook-view';
import { syntheticResults } from './synthetic-results';

describe('Figure 3 bootstrap CIs', () => {
  it('bootstraps a ratio of means by resampling clusters (hand-computed: two cases)', () => {
    // Case 1: A-FL 1, FL 1; case 2: A-FL 3, FL 1. Resamples {1,1}: +0 %, {1,2}: +100 %, {2,2}: +200 %, with
    // probabilities 1/4, 1/2, 1/4: the 2.5 % and 97.5 % quantiles of 4000 draws are 0 and 200.
    const ci = relativeGainCI([{ sumA: 1, nA: 1, sumB: 1, nB: 1 }, { sumA: 3, nA: 1, sumB: 1, nB: 1 }], { resamples: 4000, seed: 3 });
    assert.deepEqual([ci.estimate, ci.lower, ci.upper, ci.undefinedResamples], [100, 0, 200, 0]);
    // One case: every resample is the data.
    const single = relativeGainCI([{ sumA: 2, nA: 2, sumB: 0.5, nB: 1 }]);
    assert.deepEqual([single.estimate, single.lower, single.upper], [100, 100, 100]);
  });

  it('draws what bootstrapMeanCI draws (same seed, same interval for the mean)', () => {
    const v = [0.2, 0.5, 0.1, 0.9, 0.4, 0.35];
    const a = bootstrapMeanCI(v, { seed: 11, resamples: 500 });
    const b = bootstrapClusterCI(v.length, (c) => v.reduce((s, x, i) => s + c[i] * x, 0) / v.length, { seed: 11, resamples: 500 });
    assert.ok(Math.abs(a.lower - b.lower) < 1e-12 && Math.abs(a.upper - b.upper) < 1e-12);
  });

  it('gives each Figure 3 group the brute-force bootstrap of cases × seeds, deterministic with the seed', () => {
    const results = syntheticResults({ seeds: [0, 1], cases: 13 });
    const f = figure3(results, null, { resamples: 400, seed: 5 });
    assert.deepEqual(figure3(results, null, { resamples: 400, seed: 5 }).rows, f.rows);
    const cells = results.filter((r) => r.config.tables.includes('figure3'));
    for (const row of f.rows) {
      // The group's cases: those whose measure lies in the row's range (cuts are between distinct values).
      const inGroup = (k: { lesionVolume: number; smoothness: number }) => {
        const v = row.measure === 'volume' ? k.lesionVolume : k.smoothness;
        return Number.isFinite(k.smoothness) && Number.isFinite(k.lesionVolume) && v >= row.low && v <= row.high;
      };
      const ids = [...new Set(cells.flatMap((r) => r.cases.filter((k) => k.split === 'val' && inGroup(k)).map((k) => k.caseId)))].sort();
      assert.equal(ids.length, row.cases);
      const dice = (loss: string, id: string) => cells.filter((r) => r.config.loss === loss).flatMap((r) => r.cases.filter((k) => k.caseId === id && k.split === 'val').map((k) => k.dice));
      const rand = mulberry32(5);
      const gains: number[] = [];
      for (let b = 0; b < 400; b++) {
        const a: number[] = [];
        const fl: number[] = [];
        for (let i = 0; i < ids.length; i++) {
          const id = ids[Math.floor(rand() * ids.length)];
          a.push(...dice('afl', id));
          fl.push(...dice('focal', id));
        }
        const mean = (x: number[]) => x.reduce((s, y) => s + y, 0) / x.length;
        gains.push((100 * (mean(a) - mean(fl))) / mean(fl));
      }
      gains.sort((x, y) => x - y);
      assert.equal(row.gainKind, 'relative');
      assert.ok(Math.abs(row.gainLower - quantileSorted(gains, 0.025)) < 1e-9, `${row.measure} ${row.group} lower`);
      assert.ok(Math.abs(row.gainUpper - quantileSorted(gains, 0.975)) < 1e-9, `${row.measure} ${row.group} upper`);
      assert.ok(row.gainLower <= row.gainPercent && row.gainPercent <= row.gainUpper);
      assert.ok(Math.abs(row.gainPercent - (100 * (row.aflDice - row.flDice)) / row.flDice) < 1e-9);
    }
    assert.match(f.table.toMarkdown(), /\+\d+\.\d\d % \[[+−]\d+\.\d, [+−]\d+\.\d\]/);
    assert.ok(f.table.notes.some((n) => /percentile bootstrap over cases × seeds/.test(n)));
    assert.notDeepEqual(figure3(results, null, { resamples: 400, seed: 6 }).rows, f.rows);
  });

  it('shows A-FL − FL with its CI where FL\'s Dice is 0, and says why', () => {
    const results = syntheticResults({ seeds: [0, 1], cases: 7 }).map((r) =>
      r.config.loss === 'focal' && r.config.tables.includes('figure3')
        ? { ...r, cases: r.cases.map((k) => (k.lesionVolume < 900 ? { ...k, dice: 0 } : k)) }
        : r,
    );
    const report = buildReport(results, null, { resamples: 300 });
    const rows = report.figure3.rows;
    const small = rows.find((r) => r.measure === 'volume' && r.group === 'small')!;
    assert.equal(small.flDice, 0);
    assert.equal(small.gainKind, 'absolute');
    assert.ok(Number.isNaN(small.gainPercent));
    assert.ok(Math.abs(small.diff - small.aflDice) < 1e-12);
    assert.ok(small.diffLower <= small.diff && small.diff <= small.diffUpper && small.diffLower > 0);
    const md = report.figure3.table.toMarkdown();
    assert.match(md, /abs\. \+0\.\d{3} \[\+0\.\d{3}, \+0\.\d{3}\] \(FL Dice 0\)/);
    assert.ok(report.figure3.table.notes.some((n) => /FL's mean Dice is 0 in .*volume small.*relative gain over 0 is undefined.*absolute difference A-FL − FL/.test(n)));
    const large = rows.find((r) => r.measure === 'volume' && r.group === 'large')!;
    assert.equal(large.gainKind, 'relative');
    // Agreement: the volume comparison falls back to the absolute gains, stated as such.
    const sentence = agreementSentences({ paper: null, comparisons: [], tables: report.tables, figure3: report.figure3 }).find((s) => s.startsWith('Figure 3'))!;
    assert.match(sentence, /larger for small than for large volume: paper n\/a, ours (yes|no) by the absolute Dice gain A-FL − FL \(\+0\.\d{3} vs [+−]0\.\d{3}; relative gain undefined: FL's Dice is 0 in small\)/);
    assert.match(sentence, /A-FL > FL in every group: paper n\/a, ours \d\/6 \(by the sign of A-FL − FL in Dice; FL's Dice is 0 in some groups\)/);
    // Charts: the absolute bar in its own colour, labelled, with the CI.
    const svg = figure3GainSvg(report);
    assert.match(svg, /A-FL − FL in Dice points \(×100\) where FL's Dice is 0 \(relative gain undefined\)/);
    assert.match(svg, /FL Dice 0: abs\. Δ/);
    assert.match(svg, /fill="#e45756"><title>ours \(95 % CI\), volume small: [\d.]+ Dice points/);
    const fig = figure3GainPlotly(report);
    const ours = fig.data.filter((t) => t.name === 'ours (95 % CI)');
    assert.ok(ours.some((t) => (t.marker as { color: string[] }).color.includes('#e45756')));
    assert.ok(ours.every((t) => (t.error_y as { arrayminus: number[] }).arrayminus.length === 3));
  });
});
