import { displayPath } from './display-path';
import { convergenceTable } from './convergence-table';
import { trainingSettingsTable } from './training-settings';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellConfig } from '../results/result-schema';
import { barChartSvg, type BarPanel } from './bar-chart-svg';
import { buildReport, type ReportData } from './build-report';
import { METRIC_LABELS, type Metric, type MetricView, type SplitChoice } from './case-rows';
import { FIGURE3_GROUPS } from './figure3';
import { figure3Html, plotlyBundlePath, type PlotlyMode } from './figure3-html';
import { loadResults } from './load-results';
import { figure3GainSvg } from './notebook-view';
import { trainingCurvesSvg } from './training-curves';
import { missingCells, type ExpectedCell, type MissingCell } from './missing-cells';
import { PAPER_TABLE_IDS } from './build-paper-table';
import { loadPaperTables, type PaperTables } from './load-paper-tables';

export interface WriteReportOptions {
  /** Results folder: reads `<dir>/cells/*.json`. */
  dir: string;
  /** Where the report goes; default `<dir>/report`. */
  outDir?: string;
  /** The cells the grid should have produced: those without a usable result are listed as missing. */
  expected?: readonly ExpectedCell[];
  /** Derives a cell id from a config (for `expected` configs without an id). */
  cellIdOf?: (config: CellConfig) => string;
  /** The paper's numbers: a `tables.json` path, the loaded tables, `null` for none; default: looked up ({@link loadPaperTables}). */
  paper?: string | PaperTables | null;
  /** Metric view of the main tables; the other view goes to an appendix. Default `'hard'`. */
  metrics?: MetricView;
  /** Default `'val'`. */
  split?: SplitChoice;
  /** Bootstrap resamples; default 2000. */
  resamples?: number;
  /** Bootstrap seed; default 0. */
  seed?: number;
  /** Metric of the paired statistics and agreement sentences; default `'dice'`. */
  pairedMetric?: Metric;
  /** How figure3.html gets plotly.js: `'file'` (default, `plotly.min.js` copied beside it) or `'inline'`. */
  plotly?: PlotlyMode;
}

export interface WriteReportResult {
  markdown: string;
  files: {
    report: string;
    /** table1.csv … table5.csv, figure3.csv, paired.csv, detection1.csv … detection5.csv, and the other metric view's table<N>-<view>.csv. */
    csv: string[];
    figure3Html: string;
    figure3Svg: string;
    /** Figure 3 as the paper draws it: A-FL's relative Dice gain per group with bootstrap 95 % CIs. */
    figure3GainSvg: string;
    tablesSvg: string;
    /** curves-table1.svg … curves-table5.svg: training loss and validation Dice per epoch. */
    curvesSvg: string[];
    /** The plotly bundle copied beside figure3.html (absent with `plotly: 'inline'`). */
    plotlyJs?: string;
  };
  /** Every file written, report.md first. */
  written: string[];
  report: ReportData;
  problems: string[];
  missing: MissingCell[];
}

/** Why the soft view's sensitivity and specificity columns are equal in every row. */
export const SOFT_RATES_NOTE =
  "Soft sensitivity equals soft specificity in every row, by construction: the authors' code averages each metric over " +
  "its two output channels (background and tumour), and the background channel's sensitivity is the tumour channel's " +
  'specificity and vice versa, so both averages are (tumour recall + background recall) / 2.';

/**
 * Writes the report of a results folder: `report.md` (agreement sentences, Tables 1–5 beside the paper, Figure 3,
 * paired statistics, the other metric view, missing cells, problems), one CSV per table, `figure3.svg`,
 * `tables-dice.svg`, and `figure3.html` (plotly). Bad result files are reported, never thrown on.
 *
 * @example const { markdown, files } = writeReport({ dir: 'runs/quick' });
 */
export function writeReport(options: WriteReportOptions): WriteReportResult {
  const outDir = options.outDir ?? path.join(options.dir, 'report');
  fs.mkdirSync(outDir, { recursive: true });
  const loaded = loadResults(options.dir);
  const paper = options.paper === undefined ? loadPaperTables() : typeof options.paper === 'string' ? loadPaperTables(options.paper) : options.paper;
  const metrics = options.metrics ?? 'hard';
  const other: MetricView = metrics === 'hard' ? 'soft' : 'hard';
  const common = { split: options.split, resamples: options.resamples, seed: options.seed, pairedMetric: options.pairedMetric };
  const report = buildReport(loaded.results, paper, { ...common, metrics, resultsDir: options.dir });
  const otherView = buildReport(loaded.results, paper, { ...common, metrics: other });
  const missing = options.expected ? missingCells(loaded.results, options.expected, { cellIdOf: options.cellIdOf, invalidCellIds: loaded.invalidCellIds }) : [];

  const csv: string[] = [];
  const writeCsv = (name: string, text: string) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, text);
    csv.push(file);
  };
  for (const id of PAPER_TABLE_IDS) writeCsv(`table${id}.csv`, report.tables[`table${id}`].toCSV());
  writeCsv('figure3.csv', report.figure3.table.toCSV());
  writeCsv('paired.csv', report.paired.toCSV());
  for (const id of PAPER_TABLE_IDS) writeCsv(`detection${id}.csv`, report.detection[`table${id}`].toCSV());
  for (const id of PAPER_TABLE_IDS) writeCsv(`table${id}-${other}.csv`, otherView.tables[`table${id}`].toCSV());

  const figure3Svg = path.join(outDir, 'figure3.svg');
  fs.writeFileSync(figure3Svg, figure3Svg_(report));
  const figure3GainFile = path.join(outDir, 'figure3-gain.svg');
  fs.writeFileSync(figure3GainFile, figure3GainSvg(report));
  const curvesSvg = PAPER_TABLE_IDS.map((id) => {
    const file = path.join(outDir, `curves-table${id}.svg`);
    fs.writeFileSync(file, trainingCurvesSvg(report.curves[`table${id}`]));
    return file;
  });
  const tablesSvg = path.join(outDir, 'tables-dice.svg');
  fs.writeFileSync(tablesSvg, tablesDiceSvg(report));
  const figure3HtmlFile = path.join(outDir, 'figure3.html');
  const plotly = options.plotly ?? 'file';
  fs.writeFileSync(figure3HtmlFile, figure3Html(report.figure3, { plotly }));
  let plotlyJs: string | undefined;
  if (plotly === 'file') {
    plotlyJs = path.join(outDir, 'plotly.min.js');
    fs.copyFileSync(plotlyBundlePath(), plotlyJs);
  }

  const viewName = (v: MetricView) => (v === 'hard' ? 'hard metrics (tumour channel, p > 0.5)' : "the authors' soft metrics");
  const lines: string[] = [];
  lines.push('# A-FL reproduction report', '');
  lines.push(`- results: \`${displayPath(options.dir)}\` — ${loaded.results.length} cell result(s) read${loaded.problems.length ? `, ${loaded.problems.length} problem line(s) (see the end)` : ''}`);
  lines.push(`- settings: ${report.settings.length ? report.settings.join('; ') : 'none'}`);
  const bySplit = { val: 0, test: 0 };
  for (const r of loaded.results) for (const k of r.cases) bySplit[k.split]++;
  const splitNote = report.split === 'val' ? " (the set the best epoch was chosen on, as in the paper's protocol)" : report.split === 'test' ? ' (held out, never used to choose the epoch)' : '';
  lines.push(`- cases: split \`${report.split}\`${splitNote}; evaluated cases in the files: ${bySplit.val} val, ${bySplit.test} test (all cells, all seeds)`);
  lines.push(`- metrics: ${viewName(metrics)}; the other view is in the appendix`);
  lines.push(`- paper: ${paper ? `\`${displayPath(paper.file)}\`` : 'n/a (tables.json not found)'}`);
  if (options.expected) lines.push(`- expected cells: ${options.expected.length}, missing: ${missing.length}`);
  if (metrics === 'soft') lines.push('', SOFT_RATES_NOTE);
  lines.push('');
  lines.push(trainingSettingsTable(loaded.results).toMarkdown({ heading: 2 }));
  const convergence = convergenceTable(loaded.results);
  writeCsv('convergence.csv', convergence.toCSV());
  lines.push(report.toMarkdown({ heading: 2 }));
  lines.push('## Figures', '');
  lines.push('![Figure 3: relative Dice gain of A-FL over FL per group, with bootstrap 95 % CIs](figure3-gain.svg)', '');
  if (report.figure3.rows.some((r) => r.gainKind === 'absolute')) {
    lines.push("Red bars: FL's mean Dice in the group is 0, so a relative gain is undefined; the bar is A-FL − FL in Dice points (× 100) with its CI.", '');
  }
  lines.push('![Figure 3: Dice of FL and A-FL by smoothness and volume tertile](figure3.svg)', '');
  lines.push('Interactive version: [figure3.html](figure3.html).', '');
  lines.push('![Dice of Tables 1–4, paper vs ours](tables-dice.svg)', '');
  lines.push('## Training curves', '');
  lines.push('Per table, the training loss and the mean validation Dice after each epoch of its cells: one line per loss (Table 4: per model; Table 5: per ablation row); open circles mark the epoch whose checkpoint was evaluated.', '');
  for (const id of PAPER_TABLE_IDS) {
    const c = report.curves[`table${id}`];
    lines.push(`### Table ${id}`, '');
    if (c.lines.length) lines.push(`![Table ${id}: training loss and validation Dice per epoch](curves-table${id}.svg)`, '');
    lines.push(...c.notes.map((n) => `- ${n}`), '');
  }
  lines.push('## Gallery: A-FL vs FL on the same cases', '');
  for (const key of [...PAPER_TABLE_IDS.map((id) => `table${id}` as const), 'figure3' as const]) {
    lines.push(report.galleries[key].toMarkdown({ heading: 3, relativeTo: outDir }));
  }
  lines.push(convergence.toMarkdown({ heading: 2 }));
  lines.push(`## Appendix: Tables 1–5 with ${viewName(other)}`, '');
  if (other === 'soft') lines.push(SOFT_RATES_NOTE, '');
  for (const id of PAPER_TABLE_IDS) lines.push(otherView.tables[`table${id}`].toMarkdown({ heading: 3 }));
  if (options.expected) {
    lines.push(`## Missing cells (${missing.length} of ${options.expected.length} expected)`, '');
    if (missing.length === 0) lines.push('None: every expected cell has a result.');
    for (const m of missing) lines.push(`- \`${m.cellId}\`: ${m.reason}`);
    lines.push('');
  }
  lines.push('## Problems reading results', '');
  if (loaded.problems.length === 0) lines.push('None.');
  for (const p of loaded.problems) lines.push(`- ${p}`);
  lines.push('');
  if (paper?.notes.length) {
    lines.push('## Notes on the paper\'s numbers', '', ...paper.notes.map((n) => `- ${n}`), '');
  }
  const markdown = lines.join('\n');
  const reportFile = path.join(outDir, 'report.md');
  fs.writeFileSync(reportFile, markdown);
  return {
    markdown,
    files: { report: reportFile, csv, figure3Html: figure3HtmlFile, figure3Svg, figure3GainSvg: figure3GainFile, tablesSvg, curvesSvg, plotlyJs },
    written: [reportFile, ...csv, figure3Svg, figure3GainFile, tablesSvg, ...curvesSvg, figure3HtmlFile, ...(plotlyJs ? [plotlyJs] : [])],
    report,
    problems: loaded.problems,
    missing,
  };
}

function figure3Svg_(report: ReportData): string {
  const rows = report.figure3.rows;
  const first = rows[0];
  const sel = rows.filter((r) => r.setting === first?.setting && r.model === first?.model && r.dataset === first?.dataset);
  const signed = (x: number, d: number) => (x === Infinity ? '∞' : x === -Infinity ? '−∞' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);
  const gain = (r: (typeof sel)[number], paper: number) => {
    const ours =
      r.gainKind === 'relative' ? `${signed(r.gainPercent, 1)} % [${signed(r.gainLower, 0)}, ${signed(r.gainUpper, 0)}]`
        : r.gainKind === 'absolute' ? `abs. ${signed(r.diff, 3)} (FL 0)`
          : '—';
    return `${ours}\n(paper ${Number.isFinite(paper) ? `+${paper.toFixed(1)} %` : 'n/a'})`;
  };
  const panels: BarPanel[] = (['smoothness', 'volume'] as const).map((measure) => {
    const groups = FIGURE3_GROUPS[measure];
    const pick = groups.map((g) => sel.find((r) => r.measure === measure && r.group === g));
    return {
      title: measure === 'smoothness' ? 'boundary smoothness tertile' : 'lesion volume tertile',
      categories: [...groups],
      series: [
        { name: 'FL', values: pick.map((r) => r?.flDice ?? NaN) },
        { name: 'A-FL', values: pick.map((r) => r?.aflDice ?? NaN) },
      ],
      annotations: pick.map((r) => (r ? gain(r, r.paperGainPercent) : '')),
    };
  });
  return barChartSvg({ title: 'Figure 3: mean Dice of FL vs A-FL (PI-CAI); A-FL gain ours [95 % CI] (paper)', panels, yLabel: 'mean Dice', panelWidth: 400 });
}

function tablesDiceSvg(report: ReportData): string {
  const panels: BarPanel[] = [];
  const firstSetting = (rows: Record<string, any>[]) => {
    const s = rows.find((r) => r.setting !== '—')?.setting;
    return rows.filter((r) => r.setting === s || r.setting === '—');
  };
  for (const id of [1, 2, 3] as const) {
    const rows = firstSetting(report.tables[`table${id}`].rows());
    panels.push({
      title: `Table ${id}`,
      width: Math.max(300, 70 * rows.length),
      categories: rows.map((r) => String(r.variant)),
      series: [
        { name: 'paper', values: rows.map((r) => r.dice_paper) },
        { name: 'ours', values: rows.map((r) => r.dice_mean), errors: rows.map((r) => r.dice_std) },
      ],
    });
  }
  const t4 = firstSetting(report.tables.table4.rows());
  const short: Record<string, string> = { unet: 'U-Net', 'attention-unet': 'AttU', regunet: 'RegU', r2unet: 'R2U', 'resnet50-unet': 'Res50U' };
  panels.push({
    title: 'Table 4',
    width: Math.max(300, 72 * t4.length),
    categories: t4.map((r) => `${short[r.model] ?? r.model} ${r.variant}`),
    series: [
      { name: 'paper', values: t4.map((r) => r.dice_paper) },
      { name: 'ours', values: t4.map((r) => r.dice_mean), errors: t4.map((r) => r.dice_std) },
    ],
  });
  const colors = ['#9ecae9', '#f58518'];
  return barChartSvg({ title: `${METRIC_LABELS.dice} of Tables 1–4: paper vs ours (mean ± sd over cases × seeds)`, panels, yLabel: 'Dice', colors });
}
