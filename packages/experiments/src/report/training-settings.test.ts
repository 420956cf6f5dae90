import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { syntheticResults } from './synthetic-results';
import { trainingSettingsTable } from './training-settings';

describe('trainingSettingsTable', () => {
  it("shows the paper's protocol and ours as the result files record it", () => {
    const results = syntheticResults({ seeds: [1, 2], cases: 3 });
    for (const r of results) r.timings = { totalSeconds: 1, meanStepMs: 10, steps: 120 };
    const t = trainingSettingsTable(results);
    const rows = t.rows();
    const paper = rows.find((r) => String(r.who).startsWith('paper') && r.dataset === 'picai')!;
    assert.equal(paper.learningRate, 0.01);
    assert.equal(paper.epochs, 300);
    assert.equal(paper.crop, '24 × 160 × 128');
    assert.equal(paper.steps, 180 * 300);
    const ours = rows.filter((r) => String(r.who).startsWith('ours'));
    assert.ok(ours.length >= 2, 'a row per dataset of ours');
    const picai = ours.find((r) => r.dataset === 'phantom-picai')!;
    assert.equal(picai.learningRate, 0.01);
    assert.equal(picai.crop, '16 × 32 × 32');
    assert.equal(picai.steps, 120);
    assert.equal(picai.cells, results.filter((r) => r.config.dataset === 'phantom-picai').length);
    const md = t.toMarkdown();
    assert.match(md, /## Training settings: the paper and ours/);
    assert.match(md, /\| paper \(section 4\.3\) \| picai \| 0\.01 \| 0\.9 \|/);
  });
});
