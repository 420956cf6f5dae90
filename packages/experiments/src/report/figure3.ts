import { FIGURE3_GROUPS, LOSS_LABELS, PAPER_VIEWS, type Figure3Group, type Figure3Measure } from '../paper/tables';
import type { CellResult } from '../results/result-schema';
import { quantileSorted } from '../stats/quantile-sorted';
import { meanDifferenceCI, relativeGainCI, type PairedSums } from '../stats/bootstrap-cluster-ci';
import { caseRows, type CaseRow, type MetricView, type SplitChoice } from './case-rows';
import type { PaperTables } from './load-paper-tables';
import { formatNumber, formatSigned, ReportTable, tableFrom, type DisplayColumn } from './report-table';

export { FIGURE3_GROUPS } from '../paper/tables';
export type { Figure3Group, Figure3Measure } from '../paper/tables';

export interface Figure3Row {
  setting: string;
  dataset: string;
  model: string;
  measure: Figure3Measure;
  group: Figure3Group;
  /** Distinct cases in the group. */
  cases: number;
  /** Range of the measure in the group. */
  low: number;
  high: number;
  flDice: number;
  flN: number;
  aflDice: number;
  aflN: number;
  /** 100 × (A-FL − FL) / FL of the group's mean Dice (NaN where FL's mean Dice is 0: see `gainKind`). */
  gainPercent: number;
  /** Bootstrap 95 % CI of `gainPercent` (cases resampled within the group, all their seeds with them). */
  gainLower: number;
  gainUpper: number;
  /** A-FL − FL of the group's mean Dice, with its bootstrap 95 % CI. */
  diff: number;
  diffLower: number;
  diffUpper: number;
  /**
   * What the group's gain is: `'relative'` (`gainPercent`), `'absolute'` (FL's mean Dice is 0, so the relative gain is
   * undefined and `diff` is shown instead), `'none'` (no Dice of FL or A-FL).
   */
  gainKind: 'relative' | 'absolute' | 'none';
  paperGainPercent: number;
}

export interface Figure3Cut {
  setting: string;
  dataset: string;
  model: string;
  cases: number;
  /** Cases left out: no finite ground-truth measure (e.g. an empty lesion mask). */
  excluded: number;
  smoothness: [number, number];
  volume: [number, number];
  /** Whether FL and A-FL were evaluated on the same case ids. */
  sameCases: boolean;
  text: string;
}

export interface Figure3Result {
  table: ReportTable;
  rows: Figure3Row[];
  cuts: Figure3Cut[];
  /** Which cells were used: those tagged `'figure3'`, else (fallback) Table 1's, else none. */
  source: 'figure3' | 'table1' | 'none';
}

export interface Figure3Options {
  metrics?: MetricView;
  split?: SplitChoice;
  /** Bootstrap resamples of the gains' CIs; default 2000. */
  resamples?: number;
  /** Bootstrap seed (mulberry32); default 0. */
  seed?: number;
}

/**
 * The paper's Figure 3: mean Dice of FL and A-FL, and A-FL's relative gain in %, within tertiles of the ground-truth
 * lesion's boundary smoothness (poor / medium / good) and volume (small / medium / large) on PI-CAI.
 *
 * The paper does not say how the groups were cut. Here: per setting and model, the distinct cases (caseId) of the FL and
 * A-FL cells (the same cases for both) with a finite measure are cut at the 1/3 and 2/3 quantiles of that measure
 * (linear interpolation): low ≤ q⅓ < medium ≤ q⅔ < high. A case's measure is the mean over its evaluations (it is a
 * property of the ground truth, so the same for every loss and seed). Each group's Dice is the mean over its cases ×
 * seeds, NaN skipped. The cut values and group sizes are stated in `cuts[].text`.
 *
 * The gain's 95 % CI is a percentile bootstrap over cases × seeds: the group's cases are resampled with replacement
 * (seeded, `options.seed`), each drawn case bringing all its FL and A-FL evaluations (every seed), and the gain is
 * recomputed as the ratio of the resampled means. Where FL's mean Dice in a group is 0 the relative gain is undefined:
 * the row's `gainKind` is `'absolute'` and the table shows A-FL − FL (Dice) with its CI instead.
 */
export function figure3(results: readonly CellResult[], paper: PaperTables | null, options: Figure3Options = {}): Figure3Result {
  const spec = PAPER_VIEWS.figure3;
  const [FL, AFL] = [LOSS_LABELS.focal, LOSS_LABELS.afl];
  const candidates = caseRows(results, options).filter((r) => (spec.datasets as readonly string[]).includes(r.datasetBase) && (r.variant === FL || r.variant === AFL));
  let source: Figure3Result['source'] = 'figure3';
  let rows = candidates.filter((r) => r.tables.includes('|figure3|'));
  if (rows.length === 0) {
    rows = candidates.filter((r) => r.tables.includes('|1|'));
    source = rows.length > 0 ? 'table1' : 'none';
  }
  const partitions = new Map<string, CaseRow[]>();
  for (const r of rows) {
    const k = `${r.setting}|${r.dataset}|${r.model}`;
    partitions.set(k, [...(partitions.get(k) ?? []), r]);
  }
  const outRows: Figure3Row[] = [];
  const cuts: Figure3Cut[] = [];
  const paperGain = paper?.figure3.relativeDiceGainPercent;
  for (const part of partitions.values()) {
    const { setting, dataset, model } = part[0];
    const measures = new Map<string, { smoothness: number[]; volume: number[] }>();
    for (const r of part) {
      const m = measures.get(r.caseId) ?? { smoothness: [], volume: [] };
      if (Number.isFinite(r.smoothness)) m.smoothness.push(r.smoothness);
      if (Number.isFinite(r.lesionVolume)) m.volume.push(r.lesionVolume);
      measures.set(r.caseId, m);
    }
    const perCase = new Map<string, { smoothness: number; volume: number }>();
    const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
    for (const [id, m] of measures) perCase.set(id, { smoothness: mean(m.smoothness), volume: mean(m.volume) });
    const usable = [...perCase.entries()].filter(([, m]) => Number.isFinite(m.smoothness) && Number.isFinite(m.volume));
    const q = (key: Figure3Measure): [number, number] => {
      const v = usable.map(([, m]) => m[key]).sort((a, b) => a - b);
      return [quantileSorted(v, 1 / 3), quantileSorted(v, 2 / 3)];
    };
    const cutsOf = { smoothness: q('smoothness'), volume: q('volume') };
    const groupOf = (key: Figure3Measure, v: number): Figure3Group => {
      const [a, b] = cutsOf[key];
      return FIGURE3_GROUPS[key][v <= a ? 0 : v <= b ? 1 : 2];
    };
    const flCases = new Set(part.filter((r) => r.variant === FL).map((r) => r.caseId));
    const aflCases = new Set(part.filter((r) => r.variant === AFL).map((r) => r.caseId));
    const sameCases = flCases.size === aflCases.size && [...flCases].every((c) => aflCases.has(c));
    const sizes: Record<string, number[]> = {};
    for (const key of ['smoothness', 'volume'] as const) {
      sizes[key] = [];
      for (const g of FIGURE3_GROUPS[key]) {
        const ids = new Set(usable.filter(([, m]) => groupOf(key, m[key]) === g).map(([id]) => id));
        const vals = usable.filter(([id]) => ids.has(id)).map(([, m]) => m[key]);
        const dice = (variant: string) => part.filter((r) => r.variant === variant && ids.has(r.caseId) && Number.isFinite(r.dice)).map((r) => r.dice);
        const fl = dice(FL);
        const afl = dice(AFL);
        const flDice = mean(fl);
        const aflDice = mean(afl);
        const clusters: PairedSums[] = [...ids].sort().map((id) => {
          const of = (variant: string) => part.filter((r) => r.variant === variant && r.caseId === id && Number.isFinite(r.dice)).map((r) => r.dice);
          const a = of(AFL);
          const b = of(FL);
          return { sumA: a.reduce((x, y) => x + y, 0), nA: a.length, sumB: b.reduce((x, y) => x + y, 0), nB: b.length };
        });
        const boot = { resamples: options.resamples, seed: options.seed };
        const has = fl.length > 0 && afl.length > 0;
        const gainKind: Figure3Row['gainKind'] = !has ? 'none' : flDice === 0 ? 'absolute' : 'relative';
        const rel = gainKind === 'relative' ? relativeGainCI(clusters, boot) : null;
        const abs = has ? meanDifferenceCI(clusters, boot) : null;
        sizes[key].push(ids.size);
        outRows.push({
          setting,
          dataset,
          model,
          measure: key,
          group: g,
          cases: ids.size,
          low: vals.length ? Math.min(...vals) : NaN,
          high: vals.length ? Math.max(...vals) : NaN,
          flDice,
          flN: fl.length,
          aflDice,
          aflN: afl.length,
          gainPercent: rel ? rel.estimate : NaN,
          gainLower: rel ? rel.lower : NaN,
          gainUpper: rel ? rel.upper : NaN,
          diff: abs ? abs.estimate : NaN,
          diffLower: abs ? abs.lower : NaN,
          diffUpper: abs ? abs.upper : NaN,
          gainKind,
          paperGainPercent: paperGain ? (paperGain[key] as Record<string, number>)[g] ?? NaN : NaN,
        });
      }
    }
    const fmtS = (x: number) => formatNumber(x, 3);
    const fmtV = (x: number) => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} mm³` : '—');
    const [s1, s2] = cutsOf.smoothness;
    const [v1, v2] = cutsOf.volume;
    const excluded = perCase.size - usable.length;
    const text =
      `${dataset}, ${model}, ${setting}: ${usable.length} distinct ground-truth cases of the FL and A-FL cells` +
      `${sameCases ? ' (the same cases for both)' : ' (FL and A-FL case sets differ; their union is cut)'}, cut at the 1/3 and 2/3 quantiles of each measure: ` +
      `smoothness poor ≤ ${fmtS(s1)} < medium ≤ ${fmtS(s2)} < good (${sizes.smoothness.join('/')} cases); ` +
      `volume small ≤ ${fmtV(v1)} < medium ≤ ${fmtV(v2)} < large (${sizes.volume.join('/')} cases)` +
      `${excluded > 0 ? `; ${excluded} case(s) without a lesion measure excluded` : ''}.`;
    cuts.push({ setting, dataset, model, cases: usable.length, excluded, smoothness: cutsOf.smoothness, volume: cutsOf.volume, sameCases, text });
  }
  if (outRows.length === 0) {
    for (const key of ['smoothness', 'volume'] as const) {
      for (const g of FIGURE3_GROUPS[key]) {
        outRows.push({
          setting: '—', dataset: spec.datasets[0], model: paper?.figure3.model ?? spec.model ?? '', measure: key, group: g, cases: 0, low: NaN, high: NaN,
          flDice: NaN, flN: 0, aflDice: NaN, aflN: 0, gainPercent: NaN, gainLower: NaN, gainUpper: NaN, diff: NaN, diffLower: NaN, diffUpper: NaN, gainKind: 'none',
          paperGainPercent: paperGain ? (paperGain[key] as Record<string, number>)[g] ?? NaN : NaN,
        });
      }
    }
  }
  const multiSetting = new Set(outRows.map((r) => `${r.setting}|${r.dataset}|${r.model}`)).size > 1;
  const display: DisplayColumn[] = [
    ...(multiSetting ? [{ label: 'setting', value: (r: Record<string, any>) => `${r.setting}, ${r.dataset}, ${r.model}` }] : []),
    { label: 'by', value: (r) => r.measure },
    { label: 'group', value: (r) => r.group },
    { label: 'cases', align: 'right', value: (r) => String(r.cases) },
    { label: 'range', align: 'right', value: (r) => (Number.isNaN(r.low) ? '—' : r.measure === 'volume' ? `${Math.round(r.low)}–${Math.round(r.high)} mm³` : `${formatNumber(r.low)}–${formatNumber(r.high)}`) },
    { label: 'Dice FL', align: 'right', value: (r) => `${formatNumber(r.flDice)} (n ${r.flN})` },
    { label: 'Dice A-FL', align: 'right', value: (r) => `${formatNumber(r.aflDice)} (n ${r.aflN})` },
    { label: 'gain ours (95 % CI)', align: 'right', value: (r) => figure3GainText(r as Figure3Row) },
    { label: 'gain paper', align: 'right', value: (r) => (Number.isNaN(r.paperGainPercent) ? 'n/a' : `${formatSigned(r.paperGainPercent, 2)} %`) },
  ];
  const notes = [
    'gain = 100 × (mean Dice A-FL − mean Dice FL) / mean Dice FL within the group; means over cases × seeds, NaN skipped.',
    `95 % CI: percentile bootstrap over cases × seeds (the group's cases resampled with replacement, each with all its seeds; ${options.resamples ?? 2000} resamples, seed ${options.seed ?? 0}); the gain is recomputed as a ratio of the resampled means.`,
    ...cuts.map((c) => `groups: ${c.text}`),
  ];
  if (outRows.some((r) => r.gainUpper === Infinity || r.gainLower === -Infinity)) notes.push("∞: in some resamples FL's mean Dice is 0, so the relative gain is unbounded there.");
  const absolute = outRows.filter((r) => r.gainKind === 'absolute');
  if (absolute.length) {
    notes.push(
      `FL's mean Dice is 0 in ${absolute.map((r) => `${r.measure} ${r.group}`).join(', ')}: a relative gain over 0 is undefined, so the gain column shows ` +
        "the absolute difference A-FL − FL of the mean Dice (\"abs.\", in Dice units) with its bootstrap CI instead.",
    );
  }
  if (source === 'table1') notes.push('no cells are tagged "figure3"; the PI-CAI FL and A-FL cells of Table 1 are used.');
  if (source === 'none') notes.push('no results yet for Figure 3 (PI-CAI FL and A-FL cells tagged "figure3" or 1).');
  if (paper?.figure3.note) notes.push(`paper: ${paper.figure3.note}`);
  if (!paper) notes.push('paper: n/a (tables.json not found).');
  const columns = ['setting', 'dataset', 'model', 'measure', 'group', 'cases', 'low', 'high', 'flDice', 'flN', 'aflDice', 'aflN', 'gainKind', 'gainPercent', 'gainLower', 'gainUpper', 'diff', 'diffLower', 'diffUpper', 'paperGainPercent'];
  const table = new ReportTable({
    id: 'figure3',
    title: `Figure 3: ${paper?.figure3.title ?? 'Dice of FL vs A-FL by tumour boundary smoothness and volume, PI-CAI'}`,
    data: tableFrom(outRows as unknown as Record<string, unknown>[], columns),
    columns: display,
    notes,
  });
  return { table, rows: outRows, cuts, source };
}

const ciNumber = (x: number, digits: number) => (x === Infinity ? '∞' : x === -Infinity ? '−∞' : formatSigned(x, digits));

/** A row's gain as the table shows it: `+12.34 % [−3.1, +25.0]`, or `abs. +0.042 [+0.010, +0.080] (FL Dice 0)`, or `—`. */
export function figure3GainText(r: Pick<Figure3Row, 'gainKind' | 'gainPercent' | 'gainLower' | 'gainUpper' | 'diff' | 'diffLower' | 'diffUpper'>): string {
  if (r.gainKind === 'relative' && Number.isFinite(r.gainPercent)) {
    return `${formatSigned(r.gainPercent, 2)} % [${ciNumber(r.gainLower, 1)}, ${ciNumber(r.gainUpper, 1)}]`;
  }
  if (r.gainKind === 'absolute' && Number.isFinite(r.diff)) {
    return `abs. ${formatSigned(r.diff, 3)} [${ciNumber(r.diffLower, 3)}, ${ciNumber(r.diffUpper, 3)}] (FL Dice 0)`;
  }
  return '—';
}
