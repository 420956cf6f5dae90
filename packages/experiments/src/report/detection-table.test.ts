import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { detectionTable } from './detection-table';
import { syntheticResults } from './synthetic-results';

describe('detectionTable', () => {
  it('sums lesion counts over cases and seeds, averages Dice, HD95, F1 and the PI-CAI metrics per row', () => {
    const results = syntheticResults({ seeds: [1, 2], cases: 3 }).filter((r) => r.config.tables.includes(1));
    for (const r of results) {
      r.cases.forEach((c, i) => {
        c.lesions = { truth: 1, predicted: i, detected: i > 0 ? 1 : 0, missed: i > 0 ? 0 : 1, falsePositives: Math.max(i - 1, 0), f1: i === 0 ? 0 : NaN };
      });
      r.picai = { split: 'val', candidates: 'dynamic', ap: r.config.seed / 10, auroc: NaN, score: NaN, numCases: 3, numPositiveCases: 3, numLesions: 3 };
    }
    const t = detectionTable(1, results);
    const afl = t.rows().find((r) => r.loss === 'A-FL')!;
    const val = results.find((r) => r.config.loss === 'afl')!.cases.filter((c) => c.split === 'val');
    assert.equal(afl.cells, 2);
    assert.equal(afl.cases, 2 * val.length);
    assert.equal(afl.lesions, 2 * val.length);
    assert.equal(afl.detected, 2 * val.filter((_, i) => i > 0).length);
    assert.equal(afl.missed, 2);
    assert.equal(afl.lesionF1, 0, 'NaN F1 values are skipped');
    assert.ok(Math.abs(afl.ap - 0.15) < 1e-12, 'AP: mean over the two seeds');
    assert.ok(Number.isNaN(afl.auroc));
    const md = t.toMarkdown();
    assert.match(md, /Table 1: lesion-level detection and PI-CAI metrics \(not in the paper\)/);
    assert.match(md, /\| AP \| AUROC \| score \|/);
    assert.match(md, /The paper reports none of them/);
    assert.match(md, /n\/a/);
  });

  it('has no PI-CAI columns for BraTS and says when there are no results', () => {
    const brats = detectionTable(2, syntheticResults({ seeds: [1], cases: 2 }));
    assert.doesNotMatch(brats.toMarkdown(), /AUROC/);
    assert.match(detectionTable(3, []).toMarkdown(), /no results yet/);
  });
});
