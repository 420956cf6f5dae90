import { FIGURE3_GROUPS, LOSS_LABELS, PAPER_VIEWS, type Figure3Group, type Figure3Measure } from '../paper/tables';
import type { CellResult } from '../results/result-schema';
import { quantileSorted } from '../stats/quantile-sorted';
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
  /** 100 × (A-FL − FL) / FL of the group's mean Dice. */
  gainPercent: number;
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
          gainPercent: (100 * (aflDice - flDice)) / flDice,
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
          flDice: NaN, flN: 0, aflDice: NaN, aflN: 0, gainPercent: NaN,
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
    { label: 'gain ours', align: 'right', value: (r) => (Number.isFinite(r.gainPercent) ? `${formatSigned(r.gainPercent, 2)} %` : '—') },
    { label: 'gain paper', align: 'right', value: (r) => (Number.isNaN(r.paperGainPercent) ? 'n/a' : `${formatSigned(r.paperGainPercent, 2)} %`) },
  ];
  const notes = [
    'gain = 100 × (mean Dice A-FL − mean Dice FL) / mean Dice FL within the group; means over cases × seeds, NaN skipped.',
    ...cuts.map((c) => `groups: ${c.text}`),
  ];
  if (outRows.some((r) => r.flDice === 0)) notes.push('where FL\'s mean Dice is 0 the relative gain is undefined (—); compare the two Dice columns.');
  if (source === 'table1') notes.push('no cells are tagged "figure3"; the PI-CAI FL and A-FL cells of Table 1 are used.');
  if (source === 'none') notes.push('no results yet for Figure 3 (PI-CAI FL and A-FL cells tagged "figure3" or 1).');
  if (paper?.figure3.note) notes.push(`paper: ${paper.figure3.note}`);
  if (!paper) notes.push('paper: n/a (tables.json not found).');
  const columns = ['setting', 'dataset', 'model', 'measure', 'group', 'cases', 'low', 'high', 'flDice', 'flN', 'aflDice', 'aflN', 'gainPercent', 'paperGainPercent'];
  const table = new ReportTable({
    id: 'figure3',
    title: `Figure 3: ${paper?.figure3.title ?? 'Dice of FL vs A-FL by tumour boundary smoothness and volume, PI-CAI'}`,
    data: tableFrom(outRows as unknown as Record<string, unknown>[], columns),
    columns: display,
    notes,
  });
  return { table, rows: outRows, cuts, source };
}
