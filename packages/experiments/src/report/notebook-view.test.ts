import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gridCells } from '../config';
import { buildReport } from './build-report';
import { loadPaperTables } from './load-paper-tables';
import { figure3GainSvg, loadNotebookResults, notebookSettings, notebookView } from './notebook-view';
import { syntheticResults, writeSyntheticResults } from './synthetic-results';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'afl-notebook-view-'));

describe('notebookSettings', () => {
  it('defaults to the quick profile under <repo>/results, the repo being the folder with workspaces', () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', workspaces: ['packages/*'] }));
    const nb = path.join(root, 'notebooks');
    fs.mkdirSync(nb);
    fs.writeFileSync(path.join(nb, 'package.json'), JSON.stringify({ name: '@x/notebooks' }));
    const s = notebookSettings({ cwd: nb, env: {} });
    assert.deepEqual(s, { profile: 'quick', dir: path.join(root, 'results', 'quick'), repoRoot: root, runMissing: false });
  });

  it('reads AFL_PROFILE, AFL_RESULTS (relative to the working directory) and AFL_RUN_MISSING', () => {
    const cwd = tmp();
    const s = notebookSettings({ cwd, env: { AFL_PROFILE: 'smoke', AFL_RESULTS: 'out', AFL_RUN_MISSING: '1' } });
    assert.equal(s.profile, 'smoke');
    assert.equal(s.dir, path.join(cwd, 'out'));
    assert.equal(s.runMissing, true);
    assert.equal(notebookSettings({ cwd, env: { AFL_RUN_MISSING: 'yes' } }).runMissing, false);
    assert.equal(notebookSettings({ cwd, env: { AFL_PICAI_LABELS: 'labels' } }).picaiLabels, path.join(cwd, 'labels'));
  });

  it('rejects an unknown profile', () => {
    assert.throws(() => notebookSettings({ env: { AFL_PROFILE: 'fast' } }), /Error in notebookSettings: AFL_PROFILE must be one of smoke, quick, standard, paper, got "fast"/);
  });
});

describe('loadNotebookResults', () => {
  it('lists the missing cells of a table (from the paper spec) and runs nothing', async () => {
    const dir = tmp();
    const r = await loadNotebookResults(1, { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
    assert.equal(r.expected, 2);
    assert.deepEqual(r.missing, ['picai-resnet50-unet-focal', 'picai-resnet50-unet-afl']);
    assert.match(r.summary, /2 missing \(set `AFL_RUN_MISSING=1` to run them/);
    assert.match(r.problems[0], /cannot read the cells folder/);
    assert.equal(fs.existsSync(path.join(dir, 'cells')), false);
  });

  it('expects what the grid runs: Table 5 needs 12 cells, its FL row being FL and its all-on row A-FL', async () => {
    const dir = tmp();
    const r = await loadNotebookResults(5, { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
    assert.equal(r.expected, gridCells({ profile: 'smoke', tables: [5] }).length);
    assert.ok(r.missing.includes('brats-resnet50-unet-focal') && r.missing.includes('brats-resnet50-unet-afl') && r.missing.includes('brats-resnet50-unet-afl-_VS'));
    for (const view of [1, 2, 3, 4, 'figure3'] as const) {
      const v = await loadNotebookResults(view, { profile: 'quick', dir, repoRoot: dir, runMissing: false });
      assert.equal(v.expected, gridCells({ profile: 'quick', tables: [view] }).length, `view ${view}`);
    }
  });

  it('finds every cell of every view in a complete set of results', async () => {
    const dir = tmp();
    writeSyntheticResults(dir, syntheticResults({ profile: 'smoke', seeds: [1], cases: 4 }));
    for (const view of [1, 2, 3, 4, 5, 'figure3'] as const) {
      const r = await loadNotebookResults(view, { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
      assert.deepEqual(r.missing, [], `view ${view}`);
      assert.match(r.summary, /none is missing/);
      assert.equal(r.repeated, 0);
    }
  });

  it('leaves out results of other profiles', async () => {
    const dir = tmp();
    writeSyntheticResults(dir, syntheticResults({ profile: 'quick', seeds: [1], cases: 4 }));
    const r = await loadNotebookResults('figure3', { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
    assert.equal(r.results.length, 0);
    assert.ok(r.otherProfiles > 0);
    assert.match(r.summary, /of other profiles left out/);
  });

  it('says how many results repeat a cell and seed with other training settings', async () => {
    const dir = tmp();
    const results = syntheticResults({ profile: 'smoke', seeds: [1], cases: 4 });
    const again = results.filter((r) => r.config.tables.includes(1)).map((r) => ({ ...r, cellId: `${r.cellId}-older`, config: { ...r.config, training: { ...r.config.training, epochs: 1 } } }));
    writeSyntheticResults(dir, [...results, ...again]);
    const r = await loadNotebookResults(1, { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
    assert.equal(r.repeated, 2);
    assert.match(r.summary, /2 of the results read repeat a cell and seed of Table 1 with other training settings/);
  });
});

describe('notebookView', () => {
  const report = buildReport(syntheticResults({ seeds: [0, 1] }), loadPaperTables());

  it('shows one table, its chart, its paired statistics and its agreement sentence', () => {
    for (const id of [1, 2, 3, 4, 5] as const) {
      const v = notebookView(id, report);
      assert.equal(v.table, report.tables[`table${id}`]);
      assert.match(v.chartSvg, /^<svg[\s\S]*<\/svg>\n$/);
      assert.equal(v.charts.length, 2);
      assert.equal(v.charts[0], v.chartSvg);
      assert.match(v.charts[1], new RegExp(`Table ${id}: training loss and validation Dice per epoch`));
      assert.ok(v.paired && v.paired.numRows > 0, `table ${id} has paired rows`);
      assert.ok(v.paired!.rows().every((r) => r.table === `table${id}`));
      assert.ok(v.agreement.length >= 1 && v.agreement.every((s) => s.startsWith(`Table ${id} `)));
      assert.match(v.statisticsMarkdown, /Wilcoxon p/);
    }
    assert.equal(notebookView(5, report).agreement.length, 2);
  });

  it('shows Figure 3 as signed gain bars with the cut of the groups', () => {
    const v = notebookView('figure3', report);
    assert.equal(v.paired, null);
    assert.match(v.agreement[0], /^Figure 3/);
    assert.match(v.table.toMarkdown(), /cut at the 1\/3 and 2\/3 quantiles/);
    assert.equal((v.chartSvg.match(/<rect /g) ?? []).length, 1 + 2 + 12); // background, legend, bars
    assert.equal(v.charts.length, 3);
    assert.equal(v.charts[0], v.chartSvg);
    assert.match(v.charts[1], /mean Dice of FL and A-FL per group/);
    assert.match(v.charts[2], /Figure 3: training loss and validation Dice per epoch/);
  });

  it('draws bars below zero downwards', () => {
    const neg = { ...report, figure3: { ...report.figure3, rows: report.figure3.rows.map((r) => ({ ...r, gainPercent: -3 })) } };
    const svg = figure3GainSvg(neg);
    assert.match(svg, /ours \(95 % CI\), smoothness poor: -3\.00 %/);
    assert.match(svg, />-3\.0</);
  });

  it('rejects an unknown view', () => {
    assert.throws(() => notebookView(6 as never, report), /Error in notebookView: view must be 1–5 or 'figure3', got 6/);
  });
});
