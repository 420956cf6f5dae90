import { displayPath } from './display-path';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalCell, paperCells } from '../paper/tables';
import { PROFILE_NAMES, type AblationFlags, type CellResult, type ProfileName } from '../results/result-schema';
import { datasetBaseOf } from './case-rows';
import { barChartSvg, type BarChartOptions, type BarPanel } from './bar-chart-svg';
import { barChartPlotly, figure3GainPlotly, lineChartPlotly, type NotebookFigure } from './notebook-figures';
import { lineChartSvg } from './line-chart-svg';
import { trainingCurvesChartOptions, type TrainingCurves } from './training-curves';
import type { ReportData } from './build-report';
import { FIGURE3_ABSOLUTE_LABEL, figure3GainSeries } from './figure3-gain-series';
import { comparisonsTable, type PaperTableId } from './build-paper-table';
import { FIGURE3_GROUPS } from './figure3';
import { loadResults } from './load-results';
import type { ReportTable } from './report-table';
import { sideBySidePng } from './render-overlay';
import type { TableGallery } from './table-gallery';

/** What a notebook shows: one of the paper's Tables 1–5, or Figure 3. */
export type NotebookViewId = PaperTableId | 'figure3';

/** Where a notebook's results come from (see {@link notebookSettings}). */
export interface NotebookSettings {
  profile: ProfileName;
  /** The results folder (`<dir>/cells/*.json`). */
  dir: string;
  /** The repository root found above the working directory (the working directory itself when none is found). */
  repoRoot: string;
  /** Run the missing cells of the notebook's table before showing it. */
  runMissing: boolean;
  /** `AFL_PICAI_LABELS`: a picai_labels root; missing PI-CAI cells then train on `picai-masks`. */
  picaiLabels?: string;
}

export interface NotebookSettingsOptions {
  /** Default `process.cwd()` (a tslab kernel's working directory: `notebooks/` under nbconvert). */
  cwd?: string;
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * The settings of a notebook from its environment: `AFL_PROFILE` (default `quick`), `AFL_RESULTS` (default
 * `<repo>/results/<profile>`, a relative path taken from the working directory), `AFL_RUN_MISSING=1` and
 * `AFL_PICAI_LABELS` (a picai_labels root for the PI-CAI cells that are run, relative to the working directory). The
 * repository root is the first folder at or above the working directory whose `package.json` has `workspaces`.
 *
 * @example const settings = notebookSettings(); // { profile: 'quick', dir: '/…/afl/results/quick', … }
 */
export function notebookSettings(options: NotebookSettingsOptions = {}): NotebookSettings {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const profile = (env.AFL_PROFILE || 'quick') as ProfileName;
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new Error(`Error in notebookSettings: AFL_PROFILE must be one of ${PROFILE_NAMES.join(', ')}, got ${JSON.stringify(profile)}.`);
  }
  const repoRoot = findRepoRoot(cwd) ?? cwd;
  const dir = env.AFL_RESULTS ? path.resolve(cwd, env.AFL_RESULTS) : path.join(repoRoot, 'results', profile);
  const picaiLabels = env.AFL_PICAI_LABELS ? path.resolve(cwd, env.AFL_PICAI_LABELS) : undefined;
  return { profile, dir, repoRoot, runMissing: env.AFL_RUN_MISSING === '1', ...(picaiLabels ? { picaiLabels } : {}) };
}

function findRepoRoot(start: string): string | undefined {
  for (let d = start; ; d = path.dirname(d)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
      if (pkg && pkg.workspaces) return d;
    } catch {
      // no (readable) package.json here: look further up
    }
    if (path.dirname(d) === d) return undefined;
  }
}

export interface NotebookResults {
  settings: NotebookSettings;
  /** The valid results of the settings' profile. */
  results: CellResult[];
  /** Problem lines of {@link loadResults}. */
  problems: string[];
  /** Cells the view needs (the paper spec's, `paperCells`, on the profile's data, protocol `paper`). */
  expected: number;
  /** Those without a result (`<dataset>-<model>-<loss>[-flags]`, dataset without `phantom-`). */
  missing: string[];
  /** Cells the runner ran just before (`options.ran`, from `runMissingCells`). */
  ran: number;
  /** Result files of other profiles in the folder, left out. */
  otherProfiles: number;
  /** Results of a cell and seed the view needs beyond the first (other training settings, e.g. an older profile); shown too. */
  repeated: number;
  /** One Markdown paragraph saying all of the above. */
  summary: string;
}

export interface LoadNotebookResultsOptions {
  /** How many cells the grid's runner ran just before (`(await runMissingCells(view, settings)).ran`), for the summary. */
  ran?: number;
}

const viewName = (view: NotebookViewId) => (view === 'figure3' ? 'Figure 3' : `Table ${view}`);
const flagsOf = (a: AblationFlags | undefined) => (a ? `-${a.useAlphaVa ? 'A' : '_'}${a.useGammaVa ? 'V' : '_'}${a.useGammaMSa ? 'S' : '_'}` : '');
const cellKey = (dataset: string, model: string, loss: string, ablation: AblationFlags | undefined) =>
  `${datasetBaseOf(dataset)}-${model}-${loss}${flagsOf(ablation)}`;

/**
 * Loads the results a notebook shows and says which of the cells the view needs are missing: those of the paper spec
 * (`paperCells(view)`: dataset, model, loss, ablation; protocol `paper`), matched on the profile's results whatever
 * their training settings. Reads only; the grid's runner runs missing cells (`runMissingCells`, with
 * `AFL_RUN_MISSING=1`) before.
 *
 * @example
 * const settings = notebookSettings();
 * const ran = settings.runMissing ? await runMissingCells(1, settings) : null;
 * const { results, summary } = await loadNotebookResults(1, settings, { ran: ran ? ran.ran : 0 });
 */
export async function loadNotebookResults(view: NotebookViewId, settings: NotebookSettings, options: LoadNotebookResultsOptions = {}): Promise<NotebookResults> {
  const ran = options.ran ?? 0;
  const wanted = [...new Set(paperCells(view).map((c) => { const k = canonicalCell(c); return cellKey(k.dataset, k.model, k.loss, k.ablation); }))];
  const loaded = loadResults(settings.dir);
  const results = loaded.results.filter((r) => r.config.profile === settings.profile);
  const otherProfiles = loaded.results.length - results.length;
  const perCellSeed = new Map<string, number>();
  for (const r of results) {
    if (r.config.protocol !== 'paper') continue;
    const k = cellKey(r.config.dataset, r.config.model, r.config.loss, r.config.ablation);
    if (!wanted.includes(k)) continue;
    perCellSeed.set(`${k}|${r.config.seed}`, (perCellSeed.get(`${k}|${r.config.seed}`) ?? 0) + 1);
  }
  const found = new Set([...perCellSeed.keys()].map((k) => k.slice(0, k.lastIndexOf('|'))));
  const missing = wanted.filter((k) => !found.has(k));
  const repeated = [...perCellSeed.values()].reduce((a, n) => a + n - 1, 0);
  const parts = [
    `Profile \`${settings.profile}\`, results \`${displayPath(settings.dir, settings.repoRoot)}\`: ${results.length} cell result(s) read`,
    otherProfiles > 0 ? ` (${otherProfiles} of other profiles left out)` : '',
    `. ${viewName(view)} needs ${wanted.length} cell(s) of the grid`,
    ran > 0 ? `; ${ran} run now` : '',
    missing.length === 0
      ? '; none is missing.'
      : `; ${missing.length} missing${settings.runMissing ? '' : ' (set \`AFL_RUN_MISSING=1\` to run them, or \`npm run afl -- grid --profile ' + settings.profile + '\`)'}: ${missing.map((m) => `\`${m}\``).join(', ')}.`,
    repeated > 0 ? ` ${repeated} of the results read repeat a cell and seed of ${viewName(view)} with other training settings (e.g. from an older version of the profile); they are shown too.` : '',
    loaded.problems.length > 0 ? ` ${loaded.problems.length} problem line(s) reading the results: ${loaded.problems.join(' ')}` : '',
  ];
  return { settings, results, problems: loaded.problems, expected: wanted.length, missing, ran, otherProfiles, repeated, summary: parts.join('') };
}

/** A notebook's content, ready for `display.markdown` / `display.html`. */
export interface NotebookView {
  title: string;
  /** The paper's numbers, ours (mean ± sd) and the difference (Figure 3: the gain per group and how groups are cut). */
  table: ReportTable;
  /** Grouped bars, paper vs ours, with ± sd error bars (Figure 3: the relative gain per group). */
  chartSvg: string;
  /**
   * Every chart of the view, `chartSvg` first (Figure 3 adds the mean Dice of FL and A-FL per group), then the training
   * curves of the view's cells (training loss and validation Dice per epoch) when there are any.
   */
  charts: string[];
  /** Every chart as a plotly figure with its SVG (`charts`, same order): `afl.displayFigure(display, f)` shows each. */
  figures: NotebookFigure[];
  /** Paired statistics of A-FL (Table 5: each ablation row) vs each baseline on the same cases; null for Figure 3. */
  paired: ReportTable | null;
  /** The report's sentences on agreement in direction with the paper for this view. */
  agreement: string[];
  /** `paired` (when any) and the agreement sentences as Markdown. */
  statisticsMarkdown: string;
  /** A-FL vs FL on the best, median and worst validation case by A-FL's Dice, as pictures ({@link NotebookGallery}). */
  gallery: NotebookGallery;
  /** Lesion-wise detection, HD95 and (PI-CAI) the challenge's AP, AUROC and score, per row; null for Figure 3. */
  detection: ReportTable | null;
}

/** A view's gallery for a notebook: `display.markdown(g.markdown)`, then per picture its caption and `display.png(png)`. */
export interface NotebookGallery {
  /** The heading, how the cases are chosen, and what is missing. */
  markdown: string;
  /** Per pair and rank: A-FL's overlay (left) and FL's (right) of the same case in one PNG. */
  pictures: Array<{ caption: string; png: Uint8Array }>;
  /** The gallery as data (cases, Dice, picture files). */
  data: TableGallery;
}

/**
 * Reads a gallery's pictures (when its results folder was given: `buildReport(…, { resultsDir })`). Pictures beyond
 * `maxBytes` of PNG in all (default 450 kB: base64 makes it 600 kB, so that a notebook with its charts stays under 1 MiB) are left out, and the Markdown says so.
 */
export function notebookGallery(gallery: TableGallery, options: { maxBytes?: number } = {}): NotebookGallery {
  const maxBytes = options.maxBytes ?? 450_000;
  const pictures: NotebookGallery['pictures'] = [];
  let bytes = 0;
  let leftOut = 0;
  const dataset: Record<string, string> = { picai: 'PI-CAI', brats: 'BraTS' };
  for (const p of gallery.pairs) {
    for (const c of p.cases) {
      if (!c.aflPicture && !c.flPicture) continue;
      const read = (f: string | null) => (f ? new Uint8Array(fs.readFileSync(f)) : null);
      const ds = p.dataset.replace(/^phantom-/, '');
      const dice = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
      const png = new Uint8Array(sideBySidePng([read(c.aflPicture), read(c.flPicture)]));
      if (bytes + png.length > maxBytes) {
        leftOut++;
        continue;
      }
      bytes += png.length;
      pictures.push({
        caption: `**${c.rank}** by A-FL's Dice — ${dataset[ds] ?? ds}, \`${p.model}\`, case \`${c.caseId}\`: A-FL (left) Dice ${dice(c.aflDice)}, FL (right) Dice ${dice(c.flDice)}`,
        png,
      });
    }
  }
  const allNotes = leftOut > 0 ? [...gallery.notes, `${leftOut} picture(s) left out to keep the notebook small (over ${Math.round(maxBytes / 1000)} kB of PNG); the report (\`afl report\`) links them all.`] : gallery.notes;
  const notes = allNotes.map((n) => `- ${n}`).join('\n');
  const markdown = `**Gallery: ${gallery.title}.** ${gallery.ranking}${pictures.length === 0 ? ' No picture to show.' : ''}\n${notes ? `\n${notes}\n` : ''}`;
  return { markdown, pictures, data: gallery };
}

/**
 * The part of a report that one notebook shows: its table, a chart, its paired statistics and agreement sentences.
 *
 * @example const view = notebookView(1, buildReport(results, loadPaperTables())); display.html(view.chartSvg);
 */
export function notebookView(view: NotebookViewId, report: ReportData): NotebookView {
  if (view !== 'figure3' && ![1, 2, 3, 4, 5].includes(view)) {
    throw new Error(`Error in notebookView: view must be 1–5 or 'figure3', got ${JSON.stringify(view)}.`);
  }
  const agreement = report.agreement.filter((s) => s.startsWith(view === 'figure3' ? 'Figure 3' : `Table ${view} `));
  const agreementMd = agreement.length
    ? `**Agreement in direction with the paper**\n\n${agreement.map((s) => `- ${s}`).join('\n')}\n`
    : '**Agreement in direction with the paper**: n/a.\n';
  if (view === 'figure3') {
    const diceOptions = figure3DiceOptions(report);
    const figures: NotebookFigure[] = [
      { title: 'Figure 3: relative Dice gain of A-FL over FL (%) with bootstrap 95 % CIs, paper vs ours', plotly: figure3GainPlotly(report), svg: figure3GainSvg(report) },
      { title: diceOptions.title, plotly: barChartPlotly(diceOptions), svg: barChartSvg(diceOptions) },
      ...curveFigures(report.curves?.figure3),
    ];
    const charts = figures.map((f) => f.svg);
    const gallery = notebookGallery(report.galleries.figure3);
    return { title: report.figure3.table.title, table: report.figure3.table, chartSvg: charts[0], charts, figures, paired: null, agreement, statisticsMarkdown: agreementMd, gallery, detection: null };
  }
  const table = report.tables[`table${view}`];
  const comparisons = report.comparisons.filter((c) => c.table === view);
  const paired = comparisonsTable(comparisons, { title: `Table ${view}: paired statistics on per-case Dice (a − b, same case and seed)` });
  const chartOptions = tableChartOptions(view, table);
  const chartSvg = barChartSvg(chartOptions);
  const figures: NotebookFigure[] = [{ title: chartOptions.title, plotly: barChartPlotly(chartOptions), svg: chartSvg }, ...curveFigures(report.curves?.[`table${view}`])];
  const gallery = notebookGallery(report.galleries[`table${view}`]);
  return { title: table.title, table, chartSvg, charts: figures.map((f) => f.svg), figures, paired, agreement, statisticsMarkdown: `${paired.toMarkdown({ heading: 0 })}\n${agreementMd}`, gallery, detection: report.detection[`table${view}`] };
}

/** The training curves of a view as a notebook figure (none when the view's cells have no curve). */
function curveFigures(curves: TrainingCurves | undefined): NotebookFigure[] {
  if (!curves || curves.lines.length === 0) return [];
  const options = trainingCurvesChartOptions(curves);
  return [{ title: options.title, plotly: lineChartPlotly(options), svg: lineChartSvg(options) }];
}

const SHORT_MODEL: Record<string, string> = { unet: 'U-Net', 'attention-unet': 'AttU', regunet: 'RegU', r2unet: 'R2U', 'resnet50-unet': 'Res50U' };
const PAPER_OURS_COLORS = ['#9ecae9', '#4c78a8'];

function firstSetting(rows: Record<string, any>[]): Record<string, any>[] {
  const s = rows.find((r) => r.setting !== '—')?.setting;
  return rows.filter((r) => r.setting === s || r.setting === '—');
}

function paperOursPanel(title: string, rows: Record<string, any>[], metric: string, label: (r: Record<string, any>) => string, perCategory = 64): BarPanel {
  return {
    title,
    width: Math.max(220, perCategory * rows.length),
    categories: rows.map(label),
    series: [
      { name: 'paper', values: rows.map((r) => r[`${metric}_paper`]) },
      { name: 'ours (± sd)', values: rows.map((r) => r[`${metric}_mean`]), errors: rows.map((r) => r[`${metric}_std`]) },
    ],
  };
}

/** Grouped bars of one of Tables 1–5: the paper's value and ours (mean ± sd over cases × seeds), first setting only. */
export function tableChartSvg(id: PaperTableId, table: ReportTable): string {
  return barChartSvg(tableChartOptions(id, table));
}

/** The bars of {@link tableChartSvg} (for `barChartSvg` or `barChartPlotly`). */
export function tableChartOptions(id: PaperTableId, table: ReportTable): BarChartOptions {
  const rows = firstSetting(table.rows());
  const variant = (r: Record<string, any>) => String(r.variant);
  const title = `Table ${id}: paper vs ours (mean ± sd over cases × seeds)`;
  if (id === 1 || id === 2) {
    const panels = (['dice', 'iou', 'sensitivity', 'specificity'] as const).map((m) =>
      paperOursPanel({ dice: 'Dice', iou: 'IoU', sensitivity: 'Sensitivity', specificity: 'Specificity' }[m], rows, m, variant));
    return { title, panels, yMax: 1, yLabel: 'score', colors: PAPER_OURS_COLORS };
  }
  if (id === 3) {
    return { title, panels: [paperOursPanel('Dice', rows, 'dice', variant), paperOursPanel('IoU', rows, 'iou', variant)], yMax: 1, yLabel: 'score', colors: PAPER_OURS_COLORS };
  }
  if (id === 4) {
    const models = [...new Set(rows.map((r) => String(r.model)))];
    const pick = (m: string, v: string) => rows.find((r) => r.model === m && r.variant === v);
    const panel = (metric: string, name: string): BarPanel => ({
      title: name,
      width: Math.max(300, 90 * models.length),
      categories: models.map((m) => SHORT_MODEL[m] ?? m),
      series: [
        { name: 'FL paper', values: models.map((m) => pick(m, 'FL')?.[`${metric}_paper`] ?? NaN) },
        { name: 'A-FL paper', values: models.map((m) => pick(m, 'A-FL')?.[`${metric}_paper`] ?? NaN) },
        { name: 'FL ours', values: models.map((m) => pick(m, 'FL')?.[`${metric}_mean`] ?? NaN), errors: models.map((m) => pick(m, 'FL')?.[`${metric}_std`] ?? NaN) },
        { name: 'A-FL ours', values: models.map((m) => pick(m, 'A-FL')?.[`${metric}_mean`] ?? NaN), errors: models.map((m) => pick(m, 'A-FL')?.[`${metric}_std`] ?? NaN) },
      ],
    });
    return { title, panels: [panel('dice', 'Dice'), panel('iou', 'IoU')], yMax: 1, yLabel: 'score', colors: ['#c7c7c7', '#ffbf79', '#7f7f7f', '#f58518'] };
  }
  const flags = (r: Record<string, any>) =>
    r.loss === 'focal' || (!r.alphaVa && !r.gammaVa && !r.gammaMSa) ? 'FL' : [r.alphaVa && 'α', r.gammaVa && 'γva', r.gammaMSa && 'γmSa'].filter(Boolean).join('+');
  const panels = (['picai', 'brats'] as const).map((ds) => {
    const sel = rows.filter((r) => datasetBaseOf(String(r.dataset)) === ds);
    return paperOursPanel(`Dice, ${ds === 'picai' ? 'PI-CAI' : 'BraTS'}`, sel, 'dice', flags, 84);
  });
  return { title, panels, yMax: 1, yLabel: 'Dice', colors: PAPER_OURS_COLORS };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Figure 3 as grouped bars of A-FL's relative Dice gain over FL (%), paper vs ours, by smoothness and by volume
 * tertile; bars below zero go down from the zero line (ours can be negative). First setting only.
 */
export function figure3GainSvg(report: ReportData): string {
  const { sel, measures, series, anyAbsolute } = figure3GainSeries(report);
  const values = sel.flatMap((r) => series.flatMap((s) => [s.value(r), s.lower?.(r) ?? NaN, s.upper?.(r) ?? NaN])).filter(Number.isFinite);
  const top = Math.max(5, ...values);
  const bottom = Math.min(0, ...values);
  const step = niceStep((top - bottom) / 5);
  const yMax = Math.ceil(top / step) * step;
  const yMin = Math.floor(bottom / step) * step;
  const m = { top: anyAbsolute ? 70 : 56, right: 16, bottom: anyAbsolute ? 76 : 60, left: 56 };
  const panelW = 330;
  const height = anyAbsolute ? 370 : 340;
  const width = m.left + panelW * measures.length + m.right;
  const plotH = height - m.top - m.bottom;
  const y = (v: number) => m.top + (plotH * (yMax - Math.max(yMin, Math.min(yMax, v)))) / (yMax - yMin);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">Figure 3: relative Dice gain of A-FL over FL (%), paper vs ours</text>`);
  let lx = m.left;
  series.forEach((s) => {
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="37">${escapeXml(s.name)}</text>`);
    lx += 24 + s.name.length * 6.5;
  });
  const absColor = series.find((s) => s.absoluteColor)?.absoluteColor;
  if (anyAbsolute && absColor) {
    out.push(`<rect x="${m.left}" y="44" width="10" height="10" fill="${absColor}"/><text x="${m.left + 14}" y="53">ours: ${escapeXml(FIGURE3_ABSOLUTE_LABEL)}</text>`);
  }
  for (let v = yMin; v <= yMax + 1e-9; v += step) {
    out.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${Math.abs(v) < 1e-9 ? '#333' : '#e0e0e0'}"/>`);
    out.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(2)}</text>`);
  }
  out.push(`<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${anyAbsolute ? 'gain (%) or Dice points' : 'gain (%)'}</text>`);
  measures.forEach((measure, p) => {
    const x0 = m.left + p * panelW;
    const groups = FIGURE3_GROUPS[measure];
    const catW = (panelW - 16) / groups.length;
    const barW = (catW * 0.8) / series.length;
    out.push(`<text x="${x0 + panelW / 2}" y="${height - 10}" text-anchor="middle" font-weight="bold">${measure === 'smoothness' ? 'boundary smoothness tertile' : 'lesion volume tertile'}</text>`);
    groups.forEach((g, c) => {
      const r = sel.find((row) => row.measure === measure && row.group === g);
      const absolute = r?.gainKind === 'absolute';
      const cx = x0 + 8 + c * catW;
      series.forEach((s, si) => {
        const v = s.value(r);
        const bx = cx + catW * 0.1 + si * barW;
        const mx = bx + (barW - 1) / 2;
        if (!Number.isFinite(v)) {
          out.push(`<text x="${mx.toFixed(1)}" y="${(y(0) - 3).toFixed(1)}" text-anchor="middle" font-size="9" fill="#777">n/a</text>`);
          return;
        }
        const color = absolute && s.absoluteColor ? s.absoluteColor : s.color;
        const unit = absolute && s.absoluteColor ? ' Dice points (×100), A-FL − FL, FL Dice 0' : ' %';
        const lo = s.lower?.(r) ?? NaN;
        const hi = s.upper?.(r) ?? NaN;
        const ci = !Number.isNaN(lo) && !Number.isNaN(hi) ? ` [${lo.toFixed(2)}, ${hi.toFixed(2)}]` : '';
        const y0 = Math.min(y(0), y(v));
        out.push(`<rect x="${bx.toFixed(1)}" y="${y0.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${Math.abs(y(v) - y(0)).toFixed(1)}" fill="${color}"><title>${escapeXml(`${s.name}, ${measure} ${g}: ${v.toFixed(2)}${unit}${ci}`)}</title></rect>`);
        if (ci) {
          // The CI as an error bar; an infinite bound runs to the axis' end with an open end (no cap).
          const [ya, yb] = [y(lo), y(hi)];
          out.push(`<line class="ci" x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${ya.toFixed(1)}" y2="${yb.toFixed(1)}" stroke="#222"/>`);
          if (Number.isFinite(lo)) out.push(`<line x1="${(mx - 4).toFixed(1)}" x2="${(mx + 4).toFixed(1)}" y1="${ya.toFixed(1)}" y2="${ya.toFixed(1)}" stroke="#222"/>`);
          if (Number.isFinite(hi)) out.push(`<line x1="${(mx - 4).toFixed(1)}" x2="${(mx + 4).toFixed(1)}" y1="${yb.toFixed(1)}" y2="${yb.toFixed(1)}" stroke="#222"/>`);
        }
        const labelY = v >= 0 ? Math.min(y(v), Number.isNaN(hi) ? y(v) : y(hi)) - 3 : Math.max(y(v), Number.isNaN(lo) ? y(v) : y(lo)) + 11;
        out.push(`<text x="${(mx + (ci ? 5 : 0)).toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="${ci ? 'start' : 'middle'}" font-size="9">${v.toFixed(1)}${absolute && s.absoluteColor ? ' abs.' : ''}</text>`);
      });
      out.push(`<text x="${(cx + catW / 2).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle">${g}${r ? ` (${r.cases})` : ''}</text>`);
      if (absolute) out.push(`<text x="${(cx + catW / 2).toFixed(1)}" y="${height - m.bottom + 29}" text-anchor="middle" font-size="9" fill="${absColor ?? '#555'}">FL Dice 0: abs. Δ</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Figure 3's mean Dice of FL and A-FL per group (the bars the paper draws), first setting only. */
export function figure3DiceSvg(report: ReportData): string {
  return barChartSvg(figure3DiceOptions(report));
}

/** The bars of {@link figure3DiceSvg} (for `barChartSvg` or `barChartPlotly`). */
export function figure3DiceOptions(report: ReportData): BarChartOptions {
  const rows = report.figure3.rows;
  const first = rows[0];
  const sel = rows.filter((r) => r.setting === first?.setting && r.model === first?.model && r.dataset === first?.dataset);
  const panels: BarPanel[] = (['smoothness', 'volume'] as const).map((measure) => {
    const pick = FIGURE3_GROUPS[measure].map((g) => sel.find((r) => r.measure === measure && r.group === g));
    return {
      title: measure === 'smoothness' ? 'boundary smoothness tertile' : 'lesion volume tertile',
      categories: [...FIGURE3_GROUPS[measure]],
      series: [
        { name: 'FL', values: pick.map((r) => r?.flDice ?? NaN) },
        { name: 'A-FL', values: pick.map((r) => r?.aflDice ?? NaN) },
      ],
      annotations: pick.map((r) => (r ? `n ${r.flN} / ${r.aflN}` : '')),
    };
  });
  // Zoom the y axis to the data (steps of 0.05), so that small Dice values stay visible.
  const top = Math.max(0, ...panels.flatMap((p) => p.series.flatMap((x) => x.values)).filter(Number.isFinite));
  const yMax = Math.min(1, Math.max(0.05, Math.ceil(top * 20) / 20));
  return { title: 'Figure 3: mean Dice of FL and A-FL per group (ours)', panels, yLabel: 'mean Dice', yMax, panelWidth: 330, colors: ['#7f7f7f', '#f58518'] };
}

function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= x) return k * p;
  return 10 * p;
}
