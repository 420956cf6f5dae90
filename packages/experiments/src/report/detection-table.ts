import type { CellResult } from '../results/result-schema';
import { ablationOf, datasetBaseOf, settingOf, variantOf, type SplitChoice } from './case-rows';
import { PAPER_VIEWS, type PaperTableId } from '../paper/tables';
import { aq } from './load-arquero';
import { ReportTable } from './report-table';

interface Acc {
  setting: string;
  dataset: string;
  model: string;
  variant: string;
  cells: number;
  cases: number;
  dice: number[];
  hd95: number[];
  f1: number[];
  truth: number;
  detected: number;
  missed: number;
  falsePositives: number;
  ap: number[];
  auroc: number[];
  score: number[];
  picaiCases: number;
  picaiPositive: number;
}

const mean = (v: number[]) => {
  const ok = v.filter(Number.isFinite);
  return ok.length === 0 ? NaN : ok.reduce((a, b) => a + b, 0) / ok.length;
};
const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/**
 * A paper table's cells seen as detectors: per row (model × loss variant, over seeds), Dice and HD95 (mm) as means over
 * cases, lesion-wise detection summed over cases (26-connected lesions, hit at IoU ≥ 0.1, `p > 0.5`) with the mean
 * per-case lesion F1, and, for PI-CAI cells, the PI-CAI challenge's metrics (picai_eval semantics: dynamic lesion
 * candidates, lesion-level AP, case-level AUROC, score = (AUROC + AP) / 2; mean over seeds). The paper reports none
 * of these.
 */
export function detectionTable(id: PaperTableId, results: readonly CellResult[], options: { split?: SplitChoice } = {}): ReportTable {
  const split = options.split ?? 'val';
  const datasets: readonly string[] = PAPER_VIEWS[id].datasets;
  const groups = new Map<string, Acc>();
  for (const r of results) {
    const c = r.config;
    if (!c.tables.includes(id) || !datasets.includes(datasetBaseOf(c.dataset))) continue;
    const variant = variantOf(c.loss, ablationOf(r));
    const key = [settingOf(r), c.dataset, c.model, variant].join('|');
    const g = groups.get(key) ?? {
      setting: settingOf(r), dataset: c.dataset, model: c.model, variant, cells: 0, cases: 0, dice: [], hd95: [], f1: [],
      truth: 0, detected: 0, missed: 0, falsePositives: 0, ap: [], auroc: [], score: [], picaiCases: 0, picaiPositive: 0,
    };
    groups.set(key, g);
    g.cells += 1;
    for (const k of r.cases) {
      if (split !== 'all' && k.split !== split) continue;
      g.cases += 1;
      g.dice.push(k.dice);
      g.hd95.push(k.hd95);
      if (k.lesions) {
        g.f1.push(k.lesions.f1);
        g.truth += k.lesions.truth;
        g.detected += k.lesions.detected;
        g.missed += k.lesions.missed;
        g.falsePositives += k.lesions.falsePositives;
      }
    }
    if (r.picai) {
      g.ap.push(r.picai.ap);
      g.auroc.push(r.picai.auroc);
      g.score.push(r.picai.score);
      g.picaiCases += r.picai.numCases;
      g.picaiPositive += r.picai.numPositiveCases;
    }
  }
  const rows = [...groups.values()].map((g) => ({
    setting: g.setting,
    dataset: g.dataset,
    model: g.model,
    loss: g.variant,
    cells: g.cells,
    cases: g.cases,
    dice: mean(g.dice),
    hd95: mean(g.hd95),
    lesionF1: mean(g.f1),
    lesions: g.truth,
    detected: g.detected,
    missed: g.missed,
    falsePositives: g.falsePositives,
    ap: mean(g.ap),
    auroc: mean(g.auroc),
    score: mean(g.score),
    picaiCases: g.picaiCases,
    picaiPositive: g.picaiPositive,
  }));
  const picai = rows.some((r) => r.picaiCases > 0);
  const notes = [
    `Dice and HD95 (mm; NaN where a mask is empty, skipped): means over ${split === 'all' ? 'all' : split} cases × seeds. Lesions: 26-connected components of the ground truth; detected = hit by a predicted lesion (p > 0.5) with IoU ≥ 0.1; false = predicted lesions that hit none; lesion F1: mean of the per-case F1 (NaN where neither mask has a lesion, skipped).`,
  ];
  if (picai) {
    notes.push(
      'AP, AUROC, score: the PI-CAI challenge\'s metrics with picai_eval\'s semantics and defaults (lesion candidates by report_guided_annotation\'s dynamic threshold, as the PI-CAI baseline evaluates; hit at IoU ≥ 0.1; case confidence = max; score = (AUROC + AP) / 2), on the validation cases of each cell, mean over seeds. The paper reports none of them. AUROC is n/a when the validation cases have no negative (lesion-free) case: every phantom case has a lesion.',
    );
  }
  if (rows.some((r) => r.cases > 0 && r.lesions === 0 && r.detected === 0 && r.falsePositives === 0 && !Number.isFinite(r.lesionF1))) {
    notes.push('rows without lesion counts come from result files written before lesion-wise detection was recorded.');
  }
  if (rows.length === 0) notes.push(`no results yet for this table.`);
  const columns = [
    ...(new Set(rows.map((r) => r.setting)).size > 1 ? [{ label: 'setting', value: (r: Record<string, any>) => String(r.setting) }] : []),
    ...(id === 5 ? [{ label: 'dataset', value: (r: Record<string, any>) => String(r.dataset) }] : []),
    { label: 'model', value: (r: Record<string, any>) => String(r.model) },
    { label: 'loss', value: (r: Record<string, any>) => String(r.loss) },
    { label: 'Dice', align: 'right' as const, value: (r: Record<string, any>) => fmt(r.dice) },
    { label: 'HD95 (mm)', align: 'right' as const, value: (r: Record<string, any>) => fmt(r.hd95, 2) },
    { label: 'lesion F1', align: 'right' as const, value: (r: Record<string, any>) => fmt(r.lesionF1) },
    { label: 'detected / lesions', align: 'right' as const, value: (r: Record<string, any>) => `${r.detected} / ${r.lesions}` },
    { label: 'false lesions', align: 'right' as const, value: (r: Record<string, any>) => String(r.falsePositives) },
    ...(picai
      ? [
          { label: 'AP', align: 'right' as const, value: (r: Record<string, any>) => (r.picaiCases > 0 ? fmt(r.ap) : '') },
          { label: 'AUROC', align: 'right' as const, value: (r: Record<string, any>) => (r.picaiCases > 0 ? fmt(r.auroc) : '') },
          { label: 'score', align: 'right' as const, value: (r: Record<string, any>) => (r.picaiCases > 0 ? fmt(r.score) : '') },
        ]
      : []),
  ];
  const data = aq.from(rows.length > 0 ? rows : [], undefined);
  return new ReportTable({ id: `detection${id}`, title: `Table ${id}: lesion-level detection${picai ? ' and PI-CAI metrics' : ''} (not in the paper)`, data, columns, notes });
}
