import { LOSS_ORDER, MODEL_ORDER, PAPER_VIEWS, TABLE5_ROWS, type PaperDataset, type PaperTableId } from '../paper/tables';
import type { CellResult } from '../results/result-schema';
import { caseRows, flagsLabel, LOSS_LABELS, METRIC_LABELS, type CaseRow, type Metric, type MetricView, type SplitChoice } from './case-rows';
import { pairedComparison, type PairedStatistics } from './paired-comparison';
import type { PaperTables } from './load-paper-tables';
import { formatMeanStd, formatNumber, formatP, formatSigned, ReportTable, tableFrom, type DisplayColumn } from './report-table';
import { summarize } from './summarize';

export { PAPER_TABLE_IDS } from '../paper/tables';
export type { PaperTableId } from '../paper/tables';

/** Table 5's row order (the paper spec's `TABLE5_ROWS`) as `α γ_va γ_mSa` keys, `'110'`. */
const ABLATION_ORDER: string[] = TABLE5_ROWS.map((r) => `${+r.useAlphaVa}${+r.useGammaVa}${+r.useGammaMSa}`);
const flagsKey = (g: Record<string, any>) => `${+!!g.alphaVa}${+!!g.gammaVa}${+!!g.gammaMSa}`;

export interface PaperTableOptions {
  metrics?: MetricView;
  split?: SplitChoice;
  /** Bootstrap resamples for the paired statistics; default 2000. */
  resamples?: number;
  /** Bootstrap seed; default 0. */
  seed?: number;
  /** Metric of the paired statistics; default `'dice'`. */
  pairedMetric?: Metric;
}

/** One paired comparison within a table: group a (A-FL, or an ablation row) against group b (a baseline). */
export interface TableComparison extends PairedStatistics {
  table: PaperTableId;
  setting: string;
  dataset: string;
  model: string;
  a: string;
  b: string;
  /** Paper's a − b for the metric (NaN when the paper has no such rows). */
  paperDiff: number;
}

export interface PaperTableResult {
  table: ReportTable;
  comparisons: TableComparison[];
}

interface RowSpec {
  match: (g: Record<string, any>) => boolean;
  paper: Partial<Record<Metric, number>>;
  /** Shown when nothing of ours matches. */
  empty: { dataset: string; model: string; variant: string; loss: string; alphaVa: boolean | null; gammaVa: boolean | null; gammaMSa: boolean | null };
}

const isBaselineFlags = (g: Record<string, any>) =>
  g.loss === 'focal' || (g.loss === 'afl' && g.alphaVa === false && g.gammaVa === false && g.gammaMSa === false);

function tableMetrics(id: PaperTableId): readonly Metric[] {
  return PAPER_VIEWS[id].metrics;
}

/** Columns of a paper-comparison table's `data` (and CSV). */
export function paperTableColumns(id: PaperTableId): string[] {
  return [
    'table', 'setting', 'dataset', 'model', 'loss', 'variant', 'alphaVa', 'gammaVa', 'gammaMSa',
    ...tableMetrics(id).flatMap((m) => [`${m}_paper`, `${m}_mean`, `${m}_std`, `${m}_seedStd`, `${m}_diff`, `${m}_n`, `${m}_nan`]),
    'cells', 'seeds', 'cases', 'values',
  ];
}

function rowSpecs(id: PaperTableId, paper: PaperTables | null): RowSpec[] {
  if (!paper) return [];
  if (id === 5) {
    const specs: RowSpec[] = [];
    for (const ds of PAPER_VIEWS[5].datasets) {
      for (const r of paper.table5.rows) {
        const baseline = !r.alphaVa && !r.gammaVa && !r.gammaMSa;
        specs.push({
          match: (g) => g.datasetBase === ds && (baseline ? isBaselineFlags(g) : g.loss === 'afl' && g.alphaVa === r.alphaVa && g.gammaVa === r.gammaVa && g.gammaMSa === r.gammaMSa),
          paper: { iou: r[ds]?.iou, dice: r[ds]?.dice },
          empty: {
            dataset: ds,
            model: paper.table5.model,
            variant: baseline ? 'FL' : `A-FL (${flagsLabel(r.alphaVa, r.gammaVa, r.gammaMSa)})`,
            loss: baseline ? 'focal' : 'afl',
            alphaVa: r.alphaVa,
            gammaVa: r.gammaVa,
            gammaMSa: r.gammaMSa,
          },
        });
      }
    }
    return specs;
  }
  const t = paper[`table${id}`];
  return t.rows.map((r) => ({
    match: (g) => g.datasetBase === t.dataset && g.variant === LOSS_LABELS[r.loss] && (id !== 4 || g.model === r.model),
    paper: { iou: r.iou, dice: r.dice, sensitivity: r.sensitivity, specificity: r.specificity },
    empty: {
      dataset: t.dataset,
      model: r.model,
      variant: LOSS_LABELS[r.loss] ?? r.loss,
      loss: r.loss,
      alphaVa: r.loss === 'afl' ? true : null,
      gammaVa: r.loss === 'afl' ? true : null,
      gammaMSa: r.loss === 'afl' ? true : null,
    },
  }));
}

function ourRow(id: PaperTableId, g: Record<string, any>, paper: Partial<Record<Metric, number>>): Record<string, unknown> {
  const row: Record<string, unknown> = {
    table: `table${id}`,
    setting: g.setting,
    dataset: g.dataset,
    model: g.model,
    loss: g.loss,
    variant: g.variant,
    alphaVa: id === 5 && g.loss === 'focal' ? false : g.alphaVa,
    gammaVa: id === 5 && g.loss === 'focal' ? false : g.gammaVa,
    gammaMSa: id === 5 && g.loss === 'focal' ? false : g.gammaMSa,
    cells: g.cells,
    seeds: g.seeds,
    cases: g.cases,
    values: g.values,
  };
  for (const m of tableMetrics(id)) {
    const p = paper[m] ?? NaN;
    row[`${m}_paper`] = p;
    for (const s of ['mean', 'std', 'seedStd', 'n', 'nan']) row[`${m}_${s}`] = g[`${m}_${s}`];
    row[`${m}_diff`] = g[`${m}_mean`] - p;
  }
  return row;
}

function emptyRow(id: PaperTableId, spec: RowSpec): Record<string, unknown> {
  const row: Record<string, unknown> = { table: `table${id}`, setting: '—', ...spec.empty, cells: 0, seeds: 0, cases: 0, values: 0 };
  for (const m of tableMetrics(id)) {
    row[`${m}_paper`] = spec.paper[m] ?? NaN;
    for (const s of ['mean', 'std', 'seedStd', 'diff']) row[`${m}_${s}`] = NaN;
    row[`${m}_n`] = 0;
    row[`${m}_nan`] = 0;
  }
  return row;
}

/** A paper value as printed: at least 3 decimals (0.630, not 0.63), more when the paper gives more (0.9484). */
export function formatPaperValue(v: unknown): string {
  if (typeof v !== 'number' || Number.isNaN(v)) return 'n/a';
  return Math.abs(v - Number(v.toFixed(3))) < 1e-9 ? v.toFixed(3) : v.toFixed(4);
}

const orderIndex = (list: readonly string[], v: string) => (list.includes(v) ? list.indexOf(v) : list.length);

function displayColumns(id: PaperTableId, rows: Record<string, any>[], paper: PaperTables | null): DisplayColumn[] {
  const cols: DisplayColumn[] = [];
  const distinct = (k: string) => new Set(rows.map((r) => r[k])).size;
  const paperModel = id === 4 ? undefined : paper?.[`table${id}`]?.model ?? PAPER_VIEWS[id].model;
  const paperDatasets = paper && id !== 5 ? [paper[`table${id}`].dataset] : ([...PAPER_VIEWS[id].datasets] as string[]);
  if (id === 5) {
    const flag = (v: unknown) => (v === true ? '✓' : v === false ? '–' : '');
    cols.push({ label: 'α_va', align: 'center', value: (r) => flag(r.alphaVa) });
    cols.push({ label: 'γ_va', align: 'center', value: (r) => flag(r.gammaVa) });
    cols.push({ label: 'γ_mSa', align: 'center', value: (r) => flag(r.gammaMSa) });
  }
  if (distinct('setting') > 1) cols.push({ label: 'setting', value: (r) => r.setting });
  if (id === 5 || rows.some((r) => !paperDatasets.includes(r.dataset))) cols.push({ label: 'dataset', value: (r) => r.dataset });
  if (id === 4 || rows.some((r) => r.model !== paperModel)) cols.push({ label: 'model', value: (r) => r.model });
  if (id !== 5 || rows.some((r) => r.variant !== 'FL' && !String(r.variant).startsWith('A-FL'))) cols.push({ label: 'loss', value: (r) => r.variant });
  for (const m of tableMetrics(id)) {
    const label = METRIC_LABELS[m];
    cols.push({ label: `${label} paper`, align: 'right', value: (r) => formatPaperValue(r[`${m}_paper`]) });
    cols.push({ label: `${label} ours`, align: 'right', value: (r) => formatMeanStd(r[`${m}_mean`], r[`${m}_std`]) });
    cols.push({ label: `${label} Δ`, align: 'right', value: (r) => formatSigned(r[`${m}_diff`]) });
  }
  cols.push({ label: 'cases', align: 'right', value: (r) => String(r.cases) });
  cols.push({ label: 'seeds', align: 'right', value: (r) => String(r.seeds) });
  cols.push({ label: 'n', align: 'right', value: (r) => (r.dice_nan > 0 ? `${r.values} (${r.dice_nan} NaN Dice)` : String(r.values)) });
  return cols;
}

/**
 * One of the paper's Tables 1–5 beside ours: a row per paper row (its value, ours as mean ± sd over cases and seeds,
 * and ours − paper), plus rows of ours the paper lacks, and the paired statistics of A-FL (Table 5: each ablation row)
 * against each baseline (Table 5: the FL row) on the same cases.
 *
 * Cells are those whose `config.tables` holds the table, on the table's dataset (`phantom-X` stands for `X`). Tables
 * 1–3 and 5 take whatever model those cells use (the model column appears when it is not the paper's); Table 4 matches
 * models (`tables.json`'s `reg-unet`/`rr-unet` are our `regunet`/`r2unet`).
 */
export function buildPaperTable(id: PaperTableId, results: readonly CellResult[], paper: PaperTables | null, options: PaperTableOptions = {}): PaperTableResult {
  const datasets = paper && id !== 5 ? [paper[`table${id}`].dataset] : ([...PAPER_VIEWS[id].datasets] as string[]);
  const groups = (summarize(results, { ...options, table: id }).objects() as Record<string, any>[]).filter((g) => datasets.includes(g.datasetBase));
  const specs = rowSpecs(id, paper);
  const used = new Set<Record<string, any>>();
  const rows: Record<string, unknown>[] = [];
  for (const spec of specs) {
    const hits = groups.filter((g) => spec.match(g));
    if (hits.length === 0) rows.push(emptyRow(id, spec));
    for (const g of hits) {
      used.add(g);
      rows.push(ourRow(id, g, spec.paper));
    }
  }
  const extras = groups
    .filter((g) => !used.has(g))
    .sort((a, b) =>
      String(a.setting).localeCompare(String(b.setting)) ||
      String(a.datasetBase).localeCompare(String(b.datasetBase)) ||
      orderIndex(MODEL_ORDER, a.model) - orderIndex(MODEL_ORDER, b.model) ||
      orderIndex(LOSS_ORDER, a.loss) - orderIndex(LOSS_ORDER, b.loss) ||
      String(a.variant).localeCompare(String(b.variant)),
    );
  for (const g of extras) rows.push(ourRow(id, g, {}));

  const title = `Table ${id}: ${paper && id !== 5 ? paper[`table${id}`].title : paper ? paper.table5.title : PAPER_VIEWS[id].title}`;
  const notes: string[] = [];
  if (!paper) notes.push('paper: n/a (tables.json not found).');
  if (groups.length === 0) notes.push(`no results yet for this table (cells with config.tables ∋ ${id} on ${datasets.join(', ')}).`);
  notes.push('ours: mean ± sd over all cases × seeds (NaN values, e.g. Dice of an empty mask, skipped and counted); Δ = ours − paper.');
  if (id === 5 && paper?.table5.rowsNote) notes.push(paper.table5.rowsNote);
  const table = new ReportTable({ id: `table${id}`, title, data: tableFrom(rows, paperTableColumns(id)), columns: displayColumns(id, rows, paper), notes });
  return { table, comparisons: tableComparisons(id, results, groups, paper, options) };
}

function paperValue(id: PaperTableId, paper: PaperTables | null, g: Record<string, any>, metric: Metric): number {
  if (!paper) return NaN;
  if (id === 5) {
    const r = paper.table5.rows.find((p) =>
      isBaselineFlags(g) ? !p.alphaVa && !p.gammaVa && !p.gammaMSa : p.alphaVa === g.alphaVa && p.gammaVa === g.gammaVa && p.gammaMSa === g.gammaMSa);
    const ds = g.datasetBase as PaperDataset;
    return (r?.[ds] as Record<string, number> | undefined)?.[metric] ?? NaN;
  }
  const t = paper[`table${id}`];
  const r = t.rows.find((p) => LOSS_LABELS[p.loss] === g.variant && (id !== 4 || p.model === g.model));
  return r ? (r[metric] as number) : NaN;
}

function tableComparisons(
  id: PaperTableId,
  results: readonly CellResult[],
  groups: Record<string, any>[],
  paper: PaperTables | null,
  options: PaperTableOptions,
): TableComparison[] {
  const tag = `|${id}|`;
  const metric = options.pairedMetric ?? 'dice';
  const rowsByGroup = new Map<string, CaseRow[]>();
  for (const r of caseRows(results, options)) {
    if (!r.tables.includes(tag)) continue;
    const list = rowsByGroup.get(r.groupKey) ?? [];
    list.push(r);
    rowsByGroup.set(r.groupKey, list);
  }
  const partitions = new Map<string, Record<string, any>[]>();
  for (const g of groups) {
    const k = `${g.setting}|${g.dataset}|${g.model}`;
    partitions.set(k, [...(partitions.get(k) ?? []), g]);
  }
  const out: TableComparison[] = [];
  for (const part of partitions.values()) {
    let pairs: Array<[Record<string, any>, Record<string, any>]> = [];
    if (id === 5) {
      const base = part.find(isBaselineFlags);
      if (base) pairs = part.filter((g) => g !== base && g.loss === 'afl').map((g) => [g, base]);
    } else {
      const afl = part.find((g) => g.variant === 'A-FL');
      if (afl) {
        const others = part.filter((g) => g.loss !== 'afl' && (id === 3 ? g.loss !== 'focal' : g.loss === 'focal'));
        pairs = others.map((g) => [afl, g]);
      }
    }
    pairs.sort((x, y) => orderIndex(LOSS_ORDER, x[1].loss) - orderIndex(LOSS_ORDER, y[1].loss) || orderIndex(ABLATION_ORDER, flagsKey(x[0])) - orderIndex(ABLATION_ORDER, flagsKey(y[0])));
    for (const [a, b] of pairs) {
      const stats = pairedComparison(rowsByGroup.get(a.groupKey) ?? [], rowsByGroup.get(b.groupKey) ?? [], { metric, resamples: options.resamples, seed: options.seed });
      out.push({
        ...stats,
        table: id,
        setting: a.setting,
        dataset: a.dataset,
        model: a.model,
        a: a.variant,
        b: b.variant,
        paperDiff: paperValue(id, paper, a, metric) - paperValue(id, paper, b, metric),
      });
    }
  }
  return out.sort(
    (x, y) =>
      x.setting.localeCompare(y.setting) ||
      x.dataset.localeCompare(y.dataset) ||
      orderIndex(MODEL_ORDER, x.model) - orderIndex(MODEL_ORDER, y.model),
  );
}

/** All comparisons as one table: pairs, mean difference with its bootstrap CI, Wilcoxon p, and the paper's difference. */
export function comparisonsTable(comparisons: readonly TableComparison[], options: { resamples?: number; title?: string; metric?: Metric } = {}): ReportTable {
  const label = METRIC_LABELS[options.metric ?? comparisons[0]?.metric ?? 'dice'];
  const title = options.title ?? `Paired statistics on per-case ${label} (a − b, same caseId and seed)`;
  const columns = ['table', 'setting', 'dataset', 'model', 'a', 'b', 'metric', 'pairs', 'nanPairs', 'unpaired', 'meanA', 'meanB', 'meanDiff', 'ciLower', 'ciUpper', 'ciLevel', 'statistic', 'pValue', 'method', 'nZero', 'minDetectable', 'mdCases', 'paperDiff'];
  const rows = comparisons.map((c) => ({ ...c, table: `table${c.table}` }));
  const multiSetting = new Set(rows.map((r) => r.setting)).size > 1;
  const display: DisplayColumn[] = [
    { label: 'table', value: (r) => String(r.table).replace('table', '') },
    ...(multiSetting ? [{ label: 'setting', value: (r: Record<string, any>) => r.setting }] : []),
    { label: 'dataset', value: (r) => r.dataset },
    { label: 'model', value: (r) => r.model },
    { label: 'a vs b', value: (r) => `${r.a} vs ${r.b}` },
    { label: 'pairs', align: 'right', value: (r) => (r.nanPairs > 0 ? `${r.pairs} (+${r.nanPairs} NaN)` : String(r.pairs)) },
    { label: `${label} a`, align: 'right', value: (r) => formatNumber(r.meanA) },
    { label: `${label} b`, align: 'right', value: (r) => formatNumber(r.meanB) },
    { label: 'mean Δ', align: 'right', value: (r) => formatSigned(r.meanDiff) },
    { label: '95 % CI', align: 'right', value: (r) => (Number.isNaN(r.ciLower) ? '—' : `[${formatSigned(r.ciLower)}, ${formatSigned(r.ciUpper)}]`) },
    { label: 'Wilcoxon p', align: 'right', value: (r) => (r.method === 'none' ? 'n/a' : `${formatP(r.pValue)} (${r.method})`) },
    { label: 'detectable Δ', align: 'right', value: (r) => (Number.isNaN(r.minDetectable) ? '—' : `±${formatNumber(r.minDetectable)} (${r.mdCases} cases)`) },
    { label: 'paper Δ', align: 'right', value: (r) => formatSigned(r.paperDiff) },
  ];
  return new ReportTable({
    id: 'paired',
    title,
    data: tableFrom(rows, columns),
    columns: display,
    notes: [
      'Wilcoxon signed-rank test, two-sided, on the per-case differences; zero differences dropped (scipy\'s default zero_method "wilcox"); exact null distribution when ≤ 25 non-zero differences without ties, otherwise the normal approximation with tie correction and no continuity correction.',
      `CI: ${Math.round((comparisons[0]?.ciLevel ?? 0.95) * 100)} % percentile bootstrap of the mean difference (B = ${options.resamples ?? 2000} resamples, seeded: reruns give the same interval).`,
      `Pairs are the same case (caseId) evaluated with the same seed, within one setting, dataset and model; pairs where either ${label} is NaN are dropped and counted.`,
      'Power: "detectable Δ" is the smallest true mean difference the comparison would detect with 80 % power (two-sided α 0.05): (z₀.₉₇₅ + z₀.₈) · SD / √(n · 3/π), over the per-case means of the differences (seeds of a case are not independent, so n counts cases) and discounted by the Wilcoxon test\'s efficiency 3/π. A smaller |mean Δ| than this is not evidence of no effect.',
    ],
  });
}
