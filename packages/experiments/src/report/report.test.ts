import { sharedForTest } from '@afl/core/testing';
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CellConfig, CellResult } from '../results/result-schema';
import { wilcoxonSignedRank } from '../stats/wilcoxon-signed-rank';
import { barChartSvg } from './bar-chart-svg';
import { buildReport } from './build-report';
import { caseRows } from './case-rows';
import { figure3 } from './figure3';
import { loadArqueroBundle } from './load-arquero';
import { loadResults } from './load-results';
import { missingCells } from './missing-cells';
import { formatPaperValue } from './build-paper-table';
import { loadPaperTables, type PaperTables } from './load-paper-tables';
import { ReportTable, tableFrom } from './report-table';
import { summarize } from './summarize';
import { syntheticCellId, syntheticResults, writeSyntheticResults } from './synthetic-results';
import { writeReport } from './write-report';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual} (tol ${tol})`);
}

/** A small stand-in for tables.json, so the tests do not depend on the shared folder. */
function testPaper(): PaperTables {
  const row = (loss: string, dice: number, model = 'resnet50-unet') => ({ loss, model, paperModel: model, iou: dice - 0.07, dice, sensitivity: 0.9, specificity: 0.95 });
  const t = (title: string, dataset: string, rows: any[]) => ({ title, dataset, model: 'resnet50-unet', rows });
  const flags = (a: boolean, g: boolean, m: boolean, p: number, b: number) => ({ alphaVa: a, gammaVa: g, gammaMSa: m, picai: { iou: p - 0.07, dice: p }, brats: { iou: b - 0.05, dice: b } });
  return {
    source: 'test',
    notes: ['a test note'],
    file: '(test)',
    table1: t('T1', 'picai', [row('focal', 0.715), row('afl', 0.769)]),
    table2: t('T2', 'brats', [row('focal', 0.893), row('afl', 0.931)]),
    table3: t('T3', 'picai', [row('tversky', 0.726), row('ce', 0.705), row('iou', 0.727), row('dice', 0.739), row('dice-ce', 0.742), row('dice-focal', 0.757), row('afl', 0.769)]),
    table4: {
      title: 'T4',
      dataset: 'picai',
      rows: ['unet', 'attention-unet', 'regunet', 'r2unet', 'resnet50-unet'].flatMap((m, i) => [row('focal', 0.7 - i / 100, m), row('afl', 0.74 - i / 100, m)]),
    },
    table5: {
      title: 'T5',
      model: 'resnet50-unet',
      rows: [flags(false, false, false, 0.715, 0.883), flags(true, false, false, 0.733, 0.906), flags(true, true, false, 0.748, 0.912), flags(true, false, true, 0.756, 0.929), flags(true, true, true, 0.769, 0.931), flags(false, true, true, 0.746, 0.924)],
      rowsNote: 'flags from section 5.3',
    },
    figure3: {
      title: 'F3',
      dataset: 'picai',
      model: 'resnet50-unet',
      relativeDiceGainPercent: { smoothness: { good: 5.22, medium: 7.69, poor: 13.69 }, volume: { large: 4.41, medium: 6.23, small: 7.77 } },
    },
  } as unknown as PaperTables;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));

/** Dice values of the val cases of the cells matching `pred`, NaN kept. */
function diceOf(results: CellResult[], pred: (c: CellConfig) => boolean): number[] {
  return results.filter((r) => pred(r.config)).flatMap((r) => r.cases.filter((k) => k.split === 'val').map((k) => k.dice));
}

const isFullAfl = (c: CellConfig) => c.loss === 'afl' && !c.ablation;

describe('summarize (arquero)', () => {
  const results = syntheticResults();
  it('gives mean ± sd over cases and seeds, skipping and counting NaN', () => {
    const t = summarize(results, { table: 1 });
    const rows = t.objects() as Record<string, any>[];
    assert.equal(rows.length, 2);
    const afl = rows.find((r) => r.variant === 'A-FL')!;
    const values = diceOf(results, (c) => c.tables.includes(1) && isFullAfl(c));
    const finite = values.filter(Number.isFinite);
    assert.equal(afl.seeds, 3);
    assert.equal(afl.cases, 12);
    assert.equal(afl.values, 36);
    assert.equal(afl.dice_n, 33);
    assert.equal(afl.dice_nan, 3);
    close(afl.dice_mean, mean(finite), 1e-12);
    close(afl.dice_std, sd(finite), 1e-12);
    assert.equal(afl.specificity_nan, 0);
  });
  it('sd of the per-seed means', () => {
    const afl = (summarize(results, { table: 2 }).objects() as Record<string, any>[]).find((r) => r.variant === 'A-FL')!;
    const perSeed = [0, 1, 2].map((s) => mean(diceOf(results, (c) => c.seed === s && c.tables.includes(2) && isFullAfl(c)).filter(Number.isFinite)));
    close(afl.dice_seedStd, sd(perSeed), 1e-12);
  });
  it('uses the test split or the soft metrics on request', () => {
    const test = summarize(results, { table: 1, split: 'test' }).objects() as Record<string, any>[];
    assert.equal(test[0].cases, 2);
    const all = summarize(results, { table: 1, split: 'all' }).objects() as Record<string, any>[];
    assert.equal(all[0].cases, 14);
    const soft = (summarize(results, { table: 1, metrics: 'soft' }).objects() as Record<string, any>[]).find((r) => r.variant === 'FL')!;
    const expected = results.filter((r) => r.config.tables.includes(1) && r.config.loss === 'focal').flatMap((r) => r.cases.filter((k) => k.split === 'val').map((k) => k.soft.dice));
    close(soft.dice_mean, mean(expected), 1e-12);
    assert.equal(soft.dice_nan, 0);
  });
  it('returns an empty table with the summary columns when nothing matches', () => {
    const t = summarize([], { table: 3 });
    assert.equal(t.numRows(), 0);
    assert.ok(t.columnNames().includes('dice_mean'));
  });
});

describe('buildReport', () => {
  const results = syntheticResults();
  const paper = testPaper();
  const report = buildReport(results, paper, { resamples: 500 });

  it('Table 1: paper, ours and the difference side by side', () => {
    const rows = report.tables.table1.rows();
    assert.deepEqual(rows.map((r) => r.variant), ['FL', 'A-FL']);
    const afl = rows[1];
    assert.equal(afl.dice_paper, 0.769);
    close(afl.dice_diff, afl.dice_mean - 0.769, 1e-12);
    assert.equal(afl.dataset, 'phantom-picai');
    const md = report.tables.table1.toMarkdown();
    assert.match(md, /^### Table 1: T1/);
    assert.match(md, /\| Dice paper \| Dice ours \| Dice Δ \|/);
    assert.match(md, new RegExp(`\\| 0\\.769 \\| ${afl.dice_mean.toFixed(3)} ± ${afl.dice_std.toFixed(3)} \\| [+−]`));
    assert.match(md, /36 \(3 NaN Dice\)/);
  });
  it('Tables 2–4: datasets, baselines and models are matched (regunet/r2unet from reg-unet/rr-unet)', () => {
    assert.ok(report.tables.table2.rows().every((r) => r.dataset === 'phantom-brats'));
    const t3 = report.tables.table3.rows();
    assert.deepEqual(t3.slice(0, 7).map((r) => r.loss), ['tversky', 'ce', 'iou', 'dice', 'dice-ce', 'dice-focal', 'afl']);
    assert.equal(t3[7].loss, 'focal');
    assert.ok(Number.isNaN(t3[7].dice_paper), 'FL is not in the paper\'s Table 3');
    const t4 = report.tables.table4.rows();
    assert.equal(t4.length, 10);
    assert.ok(t4.every((r) => r.cells === 3 && Number.isFinite(r.dice_paper)));
    assert.match(report.tables.table4.toMarkdown(), /\| phantom-picai \| regunet \| FL \|/);
  });
  it('Table 5: six flag rows per dataset, the FL row fed by the focal cells', () => {
    const t5 = report.tables.table5.rows();
    assert.equal(t5.length, 12);
    assert.equal(t5[0].loss, 'focal');
    assert.equal(t5[0].alphaVa, false);
    assert.equal(t5[4].variant, 'A-FL');
    assert.ok(t5.every((r) => r.cells === 3));
    assert.ok(!report.tables.table5.columns.some((c) => c.label.startsWith('Sensitivity')));
    assert.match(report.tables.table5.toMarkdown(), /\| ✓ \| – \| ✓ \| phantom-brats \|/);
  });
  it('paired statistics match a direct computation on the same cases', () => {
    const c = report.comparisons.find((x) => x.table === 1)!;
    assert.equal(c.a, 'A-FL');
    assert.equal(c.b, 'FL');
    assert.equal(c.pairs, 33);
    assert.equal(c.nanPairs, 3);
    const rows = caseRows(results).filter((r) => r.tables.includes('|1|'));
    const key = (r: { seed: number; caseId: string }) => `${r.seed}/${r.caseId}`;
    const fl = new Map(rows.filter((r) => r.variant === 'FL').map((r) => [key(r), r.dice]));
    const diffs = rows.filter((r) => r.variant === 'A-FL' && Number.isFinite(r.dice) && Number.isFinite(fl.get(key(r))!)).map((r) => r.dice - fl.get(key(r))!);
    assert.equal(diffs.length, 33);
    close(c.meanDiff, mean(diffs), 1e-12);
    assert.equal(c.pValue, wilcoxonSignedRank(diffs).pValue);
    assert.ok(c.ciLower < c.meanDiff && c.meanDiff < c.ciUpper);
    close(c.paperDiff, 0.769 - 0.715, 1e-12);
    // Table 3 compares A-FL with the six baselines, Table 4 with FL per model, Table 5 each ablation row with FL.
    assert.equal(report.comparisons.filter((x) => x.table === 3).length, 6);
    assert.deepEqual(report.comparisons.filter((x) => x.table === 4).map((x) => x.model), ['unet', 'attention-unet', 'regunet', 'r2unet', 'resnet50-unet']);
    assert.equal(report.comparisons.filter((x) => x.table === 5).length, 10);
  });
  it('the same seed gives the same intervals', () => {
    const again = buildReport(results, paper, { resamples: 500 });
    assert.deepEqual(again.comparisons.map((c) => [c.ciLower, c.ciUpper]), report.comparisons.map((c) => [c.ciLower, c.ciUpper]));
  });
  it('one agreement sentence per table and Figure 3', () => {
    const s = report.agreement;
    assert.equal(s.length, 7);
    assert.match(s[0], /^Table 1 \(PI-CAI\): A-FL > FL in Dice: paper yes \(\+0\.054\), ours yes \(\+0\.\d{3}, p (<|=) [\d.]+, 95 % CI \[\+[\d.]+, \+[\d.]+\], 33 pairs\) → agrees\.$/);
    assert.match(s[2], /^Table 3 \(PI-CAI\): A-FL > each baseline loss in Dice: paper 6\/6, ours 6\/6 /);
    assert.match(s[3], /paper 5\/5, ours 5\/5/);
    assert.match(s[4], /^Table 5 \(PI-CAI\): .*paper 5\/5, ours 5\/5.*all three switches give the best Dice: paper yes, ours yes\.$/);
    assert.match(s[6], /^Figure 3 \(PI-CAI\): A-FL's Dice gain is larger for poor than for good boundary smoothness: paper yes \(\+13\.69 % vs \+5\.22 %\), ours yes/);
  });
  it('reads picai-masks cells (real lesion shapes) as PI-CAI in every sentence', () => {
    const masks = results.map((r) => (r.config.dataset === 'phantom-picai' ? { ...r, config: { ...r.config, dataset: 'picai-masks' as const } } : r));
    const s = buildReport(masks, paper, { resamples: 100 }).agreement;
    assert.match(s[0], /^Table 1 \(PI-CAI\): .*ours yes/);
    assert.match(s[4], /^Table 5 \(PI-CAI\): .*paper 5\/5, ours 5\/5/);
    assert.doesNotMatch(s.join('\n'), /n\/a \(no paired/);
  });
  it('says "disagrees" when our direction is the opposite', () => {
    const flipped = results.map((r) =>
      r.config.loss === 'afl' && r.config.tables.includes(1) ? { ...r, cases: r.cases.map((k) => ({ ...k, dice: k.dice - 0.2 })) } : r,
    );
    const s = buildReport(flipped, paper, { resamples: 200 }).agreement[0];
    assert.match(s, /paper yes \(\+0\.054\), ours no \(−0\.\d{3}.*→ disagrees\.$/);
  });
  it('paired statistics on another metric on request', () => {
    const r = buildReport(results, paper, { resamples: 100, pairedMetric: 'iou' });
    const c = r.comparisons.find((x) => x.table === 1)!;
    assert.equal(c.metric, 'iou');
    close(c.paperDiff, (0.769 - 0.07) - (0.715 - 0.07), 1e-12);
    assert.match(r.agreement[0], /A-FL > FL in IoU: paper yes/);
    assert.match(r.agreement[4], /each ablation row > the FL row in IoU: paper 5\/5/);
    assert.match(r.paired.title, /per-case IoU/);
    const s = buildReport(results, paper, { resamples: 100, pairedMetric: 'sensitivity' }).agreement[4];
    assert.match(s, /paper n\/a \(Table 5 gives IoU and Dice only\)/);
  });
  it('Figure 3: tertiles over the ground-truth cases, the cut stated, gains per group', () => {
    const f = report.figure3;
    assert.equal(f.source, 'figure3');
    assert.equal(f.rows.length, 6);
    const cut = f.cuts[0];
    assert.equal(cut.cases, 11);
    assert.equal(cut.excluded, 1);
    assert.ok(cut.sameCases);
    assert.match(cut.text, /cut at the 1\/3 and 2\/3 quantiles.*smoothness poor ≤ [\d.]+ < medium ≤ [\d.]+ < good \(4\/3\/4 cases\); volume small ≤ [\d,]+ mm³/);
    const poor = f.rows.find((r) => r.measure === 'smoothness' && r.group === 'poor')!;
    const good = f.rows.find((r) => r.measure === 'smoothness' && r.group === 'good')!;
    assert.ok(poor.gainPercent > good.gainPercent);
    close(poor.gainPercent, (100 * (poor.aflDice - poor.flDice)) / poor.flDice, 1e-9);
    assert.equal(poor.paperGainPercent, 13.69);
    assert.equal(poor.flN, 12);
    assert.match(f.table.toMarkdown(), /\| smoothness \| poor \| 4 \|/);
  });
  it('Figure 3 falls back to Table 1\'s cells when none is tagged "figure3"', () => {
    const untagged = results.map((r) => ({ ...r, config: { ...r.config, tables: r.config.tables.filter((t) => t !== 'figure3') } }));
    const f = figure3(untagged, paper);
    assert.equal(f.source, 'table1');
    assert.ok(f.table.notes.some((n) => n.includes('Table 1')));
    assert.equal(figure3([], paper).source, 'none');
  });
  it('works without the paper: paper columns n/a', () => {
    const r = buildReport(results, null, { resamples: 100 });
    const md = r.toMarkdown();
    assert.match(md, /paper: n\/a \(tables\.json not found\)/);
    assert.match(r.agreement[0], /paper n\/a, ours yes/);
    assert.ok(r.tables.table1.rows().every((x) => Number.isNaN(x.dice_paper)));
    assert.equal(r.tables.table1.numRows, 2);
  });
  it('works with no results: paper rows with empty ours', () => {
    const r = buildReport([], paper, { resamples: 100 });
    assert.equal(r.tables.table3.numRows, 7);
    assert.match(r.tables.table3.toMarkdown(), /\| Tversky \| 0\.656 \| — \| — \|/);
    assert.match(r.agreement[0], /ours n\/a/);
    assert.equal(r.figure3.rows.length, 6);
  });
  it('keeps settings apart: two profiles give two rows per paper row and their own comparisons', () => {
    const both = [...results, ...syntheticResults({ profile: 'smoke', seeds: [0] })];
    const r = buildReport(both, paper, { resamples: 100 });
    const t1 = r.tables.table1.rows();
    assert.deepEqual(t1.map((x) => `${x.variant} ${x.setting} ${x.seeds}`), [
      'FL quick · paper · 3-D 3', 'FL smoke · paper · 3-D 1', 'A-FL quick · paper · 3-D 3', 'A-FL smoke · paper · 3-D 1',
    ]);
    assert.match(r.tables.table1.toMarkdown(), /\| setting \|/);
    const c1 = r.comparisons.filter((c) => c.table === 1);
    assert.deepEqual(c1.map((c) => [c.setting, c.pairs]), [['quick · paper · 3-D', 33], ['smoke · paper · 3-D', 11]]);
    assert.match(r.agreement[0], /ours quick · paper · 3-D: yes .*; ours smoke · paper · 3-D: yes/);
  });
  it('CSV has one header and one line per row, numbers unformatted', () => {
    const csv = report.tables.table1.toCSV().trim().split('\n');
    assert.equal(csv.length, 3);
    const header = csv[0].split(',');
    for (const col of ['table', 'setting', 'loss', 'dice_paper', 'dice_mean', 'dice_std', 'dice_diff', 'dice_n', 'dice_nan', 'seeds']) assert.ok(header.includes(col), col);
    const afl = csv[2].split(',');
    assert.equal(Number(afl[header.indexOf('dice_mean')]), report.tables.table1.rows()[1].dice_mean);
  });
});

describe('ReportTable, formatting and charts', () => {
  it('escapes pipes in Markdown and writes CSV from the arquero table', () => {
    const t = new ReportTable({ id: 'x', title: 'X', data: tableFrom([{ a: 'p|q', b: 1.5 }, { a: 'r', b: NaN }], ['a', 'b']) });
    assert.equal(t.toMarkdown({ heading: 0 }), '| a | b |\n| :--- | :--- |\n| p\\|q | 1.5000 |\n| r | — |\n');
    assert.equal(t.toCSV(), 'a,b\np|q,1.5\nr,NaN\n');
  });
  it('paper values keep the printed decimals', () => {
    assert.equal(formatPaperValue(0.63), '0.630');
    assert.equal(formatPaperValue(0.9484), '0.9484');
    assert.equal(formatPaperValue(NaN), 'n/a');
  });
  it('draws an SVG grouped bar chart, skipping NaN bars', () => {
    const svg = barChartSvg({ title: 'T <1>', panels: [{ title: 'p', categories: ['a', 'b'], series: [{ name: 'FL', values: [0.5, NaN] }, { name: 'A-FL', values: [0.6, 0.7], errors: [0.1, 0.1] }] }] });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 3);
    assert.ok(svg.includes('T &lt;1&gt;'));
    assert.ok(svg.trim().endsWith('</svg>'));
  });
});

describe('arquero loading', () => {
  it('the UMD bundle (the fallback for Node < 20.19) gives the same summaries', () => {
    const aq = loadArqueroBundle();
    const t = aq.from([{ g: 'a', x: 1 }, { g: 'a', x: NaN }, { g: 'a', x: 3 }, { g: 'b', x: 2 }]);
    const r = t.groupby('g').rollup({ m: aq.op.mean('x'), s: aq.op.stdev('x'), v: aq.op.valid('x') }).objects();
    assert.deepEqual(r, [{ g: 'a', m: 2, s: Math.SQRT2, v: 2 }, { g: 'b', m: 2, s: undefined, v: 1 }]);
  });
});

describe('missingCells', () => {
  const results = syntheticResults({ seeds: [0] });
  const extra: CellConfig = { ...results[0].config, seed: 99 };
  it('matches by cellId (given or derived) and by identity fields without one', () => {
    assert.deepEqual(missingCells(results, results.map((r) => r.config)), []);
    const byId = missingCells(results, [...results.map((r) => r.config), extra], { cellIdOf: syntheticCellId });
    assert.deepEqual(byId.map((m) => [m.cellId, m.reason]), [[syntheticCellId(extra), 'no result file']]);
    const byIdentity = missingCells(results, [extra]);
    assert.match(byIdentity[0].cellId, /phantom-picai resnet50-unet focal seed 99/);
    const gridStyle = missingCells(results, [{ ...extra, cellId: 'x-99' }]);
    assert.deepEqual(gridStyle.map((m) => [m.cellId, m.config?.seed]), [['x-99', 99]]);
    const unusable = missingCells(results, [{ cellId: 'broken-cell' }], { invalidCellIds: ['broken-cell'] });
    assert.equal(unusable[0].reason, 'result file unusable');
  });
});

describe('writeReport', () => {
  let dir = '';
  let results: CellResult[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-report-'));
    results = syntheticResults();
    writeSyntheticResults(dir, results);
    fs.writeFileSync(path.join(dir, 'cells', 'quick-corrupt.json'), '{"schemaVersion": 1, "cellId": "quick-corr');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes report.md, CSVs, the SVG figures and figure3.html, and lists missing cells and problems', () => {
    const missingConfig: CellConfig = { ...results[0].config, seed: 7 };
    const expected = [...results.map((r) => ({ cellId: r.cellId, config: r.config })), { cellId: syntheticCellId(missingConfig), config: missingConfig }, { cellId: 'quick-corrupt' }];
    const out = writeReport({ dir, expected, paper: testPaper(), resamples: 300 });
    assert.equal(out.files.report, path.join(dir, 'report', 'report.md'));
    assert.equal(fs.readFileSync(out.files.report, 'utf8'), out.markdown);
    const md = out.markdown;
    for (const h of ['# A-FL reproduction report', '## Agreement with the paper', '## Table 1: T1', '## Table 5: T5', '## Figure 3: F3', '## Paired statistics', "## Appendix: Tables 1–5 with the authors' soft metrics", '## Missing cells (2 of 80 expected)', '## Problems reading results', "## Notes on the paper's numbers"]) {
      assert.ok(md.includes(h), h);
    }
    assert.ok(md.includes(`- \`${syntheticCellId(missingConfig)}\`: no result file`));
    assert.ok(md.includes('- `quick-corrupt`: result file unusable'));
    assert.match(md, /quick-corrupt\.json: not valid JSON/);
    assert.equal(out.missing.length, 2);
    assert.match(md, /## Appendix: Tables 1–5 with the authors' soft metrics\n\nSoft sensitivity equals soft specificity in every row, by construction/);
    assert.match(md, /## Training settings: the paper and ours/);
    assert.deepEqual(out.files.csv.map((f) => path.basename(f)), [
      'table1.csv', 'table2.csv', 'table3.csv', 'table4.csv', 'table5.csv', 'figure3.csv', 'paired.csv',
      'detection1.csv', 'detection2.csv', 'detection3.csv', 'detection4.csv', 'detection5.csv',
      'table1-soft.csv', 'table2-soft.csv', 'table3-soft.csv', 'table4-soft.csv', 'table5-soft.csv', 'convergence.csv',
    ]);
    assert.match(md, /## Convergence: how each cell stopped[\s\S]*No cell recorded a convergence criterion/);
    for (const f of out.files.csv) assert.ok(fs.readFileSync(f, 'utf8').split('\n').length >= 2, f);
    const svg = fs.readFileSync(out.files.figure3Svg, 'utf8');
    assert.match(svg, /^<svg/);
    assert.ok(svg.includes('paper +13.7 %'));
    assert.match(fs.readFileSync(out.files.tablesSvg, 'utf8'), /Table 4/);
    const html = fs.readFileSync(out.files.figure3Html, 'utf8');
    assert.ok(html.includes('<script src="plotly.min.js"></script>'));
    assert.ok(html.includes('Plotly.newPlot'));
    assert.ok(html.length < 100_000);
    assert.ok(fs.statSync(out.files.plotlyJs!).size > 1_000_000);
    assert.equal(out.written.length, 1 + 18 + 4 + 1 + 5);
    for (const id of [1, 2, 3, 4, 5]) {
      assert.ok(md.includes(`](curves-table${id}.svg)`), `report.md links curves-table${id}.svg`);
      const curves = fs.readFileSync(path.join(dir, 'report', `curves-table${id}.svg`), 'utf8');
      assert.match(curves, new RegExp(`^<svg[\\s\\S]*Table ${id}: training loss and validation Dice per epoch[\\s\\S]*</svg>\\n$`));
    }
    assert.deepEqual(out.files.curvesSvg.map((f) => path.basename(f)), [1, 2, 3, 4, 5].map((id) => `curves-table${id}.svg`));
    assert.ok(md.includes('](figure3-gain.svg)'));
    assert.match(fs.readFileSync(out.files.figure3GainSvg, 'utf8'), /class="ci"/);
    assert.ok(out.written.every((f) => fs.existsSync(f)));
  });
  it('runs without the paper and with the soft view first', () => {
    const out = writeReport({ dir, outDir: path.join(dir, 'r2'), paper: null, metrics: 'soft', resamples: 100 });
    assert.match(out.markdown, /- paper: n\/a \(tables\.json not found\)/);
    assert.ok(out.files.csv.some((f) => f.endsWith('table1-hard.csv')));
    assert.ok(!out.markdown.includes('## Missing cells'));
  });
  it('the report reads back what loadResults reads', () => {
    assert.equal(loadResults(dir).results.length, results.length);
  });
});

describe('loadPaperTables', () => {
  it('throws on an explicit missing path, naming it', () => {
    assert.throws(() => loadPaperTables('/nonexistent/tables.json'), /Error in loadPaperTables: no such file, got "\/nonexistent\/tables\.json"\./);
  });
  it('reads the shared tables.json when present (model names mapped); under CI it must be there', (t) => {
    const shared = sharedForTest('paper', 'tables.json');
    if (shared.skip) return t.skip(shared.skip);
    const paper = loadPaperTables();
    assert.ok(paper, `loadPaperTables() found nothing although ${shared.path} exists`);
    assert.equal(paper.table1.rows[1].dice, 0.769);
    const models = paper.table4.rows.map((r) => r.model);
    assert.ok(models.includes('regunet') && models.includes('r2unet') && !(models as string[]).includes('reg-unet'));
    assert.equal(paper.table4.rows.find((r) => r.model === 'r2unet')!.paperModel, 'rr-unet');
    assert.equal(paper.table5.rows.length, 6);
    assert.equal(paper.figure3.relativeDiceGainPercent.smoothness.poor, 13.69);
  });
});
