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
  });

  it('rejects an unknown profile', () => {
    assert.throws(() => notebookSettings({ env: { AFL_PROFILE: 'fast' } }), /Error in notebookSettings: AFL_PROFILE must be one of smoke, quick, paper, got "fast"/);
  });
});

describe('loadNotebookResults', () => {
  const fakeRunner = (written: number[][]) => async (settings: { dir: string; profile: 'smoke' | 'quick' | 'paper' }, only: number[]) => {
    written.push(only);
    const all = gridCells({ profile: settings.profile });
    const template = syntheticResults({ profile: settings.profile, seeds: [1], cases: 4 })[0];
    writeSyntheticResults(settings.dir, only.map((i) => ({ ...template, cellId: all[i].cellId, config: { ...all[i] } })));
  };

  it('lists the missing cells of a table and leaves them alone without runMissing', async () => {
    const dir = tmp();
    const calls: number[][] = [];
    const r = await loadNotebookResults(1, { profile: 'smoke', dir, repoRoot: dir, runMissing: false }, { runCells: fakeRunner(calls), log: () => {} });
    assert.equal(r.expected, 2);
    assert.equal(r.missing.length, 2);
    assert.equal(r.ran, 0);
    assert.equal(calls.length, 0);
    assert.match(r.summary, /2 missing \(set `AFL_RUN_MISSING=1` to run them/);
    assert.match(r.problems[0], /cannot read the cells folder/);
  });

  it('runs only the missing cells, by their index into the whole grid, with runMissing', async () => {
    const dir = tmp();
    const calls: number[][] = [];
    const all = gridCells({ profile: 'smoke' });
    const shared = all.findIndex((c) => c.tables.includes(1) && c.tables.includes(3));
    assert.ok(shared >= 0, 'the A-FL cell feeds Tables 1 and 3');
    await fakeRunner([])({ dir, profile: 'smoke' }, [shared]);
    const r = await loadNotebookResults(3, { profile: 'smoke', dir, repoRoot: dir, runMissing: true }, { runCells: fakeRunner(calls), log: () => {} });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].length, r.expected - 1);
    assert.ok(calls[0].every((i) => all[i].tables.includes(3)));
    assert.equal(r.ran, r.expected - 1);
    assert.deepEqual(r.missing, []);
    assert.equal(r.results.length, r.expected);
    assert.match(r.summary, /none is missing/);
  });

  it('leaves out results of other profiles', async () => {
    const dir = tmp();
    writeSyntheticResults(dir, syntheticResults({ profile: 'quick', seeds: [1], cases: 4 }));
    const r = await loadNotebookResults('figure3', { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
    assert.equal(r.results.length, 0);
    assert.ok(r.otherProfiles > 0);
    assert.match(r.summary, /of other profiles left out/);
  });

  it('says how many results are not cells of the current grid', async () => {
    const dir = tmp();
    writeSyntheticResults(dir, syntheticResults({ profile: 'smoke', seeds: [1], cases: 4 }));
    const r = await loadNotebookResults(1, { profile: 'smoke', dir, repoRoot: dir, runMissing: false });
    assert.equal(r.notInGrid, r.results.length);
    assert.match(r.summary, new RegExp(`${r.results.length} of the results read are not cells of the current smoke grid`));
  });
});

describe('notebookView', () => {
  const report = buildReport(syntheticResults({ seeds: [0, 1] }), loadPaperTables());

  it('shows one table, its chart, its paired statistics and its agreement sentence', () => {
    for (const id of [1, 2, 3, 4, 5] as const) {
      const v = notebookView(id, report);
      assert.equal(v.table, report.tables[`table${id}`]);
      assert.match(v.chartSvg, /^<svg[\s\S]*<\/svg>\n$/);
      assert.deepEqual(v.charts, [v.chartSvg]);
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
    assert.equal(v.charts.length, 2);
    assert.equal(v.charts[0], v.chartSvg);
    assert.match(v.charts[1], /mean Dice of FL and A-FL per group/);
  });

  it('draws bars below zero downwards', () => {
    const neg = { ...report, figure3: { ...report.figure3, rows: report.figure3.rows.map((r) => ({ ...r, gainPercent: -3 })) } };
    const svg = figure3GainSvg(neg);
    assert.match(svg, /ours, smoothness poor: -3\.00 %/);
    assert.match(svg, />-3\.0</);
  });

  it('rejects an unknown view', () => {
    assert.throws(() => notebookView(6 as never, report), /Error in notebookView: view must be 1–5 or 'figure3', got 6/);
  });
});
