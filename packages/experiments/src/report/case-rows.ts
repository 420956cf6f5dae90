import { LOSS_LABELS } from '../paper/tables';
import { DATASET_NAMES, paperDatasetOf, type AblationFlags, type CellResult, type DatasetName, type LossName } from '../results/result-schema';

/** Which metric values a report shows: the hard metrics (default) or the authors' soft versions (`CaseResult.soft`). */
export type MetricView = 'hard' | 'soft';
/** Which evaluated cases count: the validation split (the paper's protocol; default), the held-out test split, or both. */
export type SplitChoice = 'val' | 'test' | 'all';

export { METRICS, METRIC_LABELS, LOSS_LABELS } from '../paper/tables';
export type { Metric } from '../paper/tables';

/** One evaluated case of one cell, flattened for arquero. */
export interface CaseRow {
  /** `profile · protocol · N-D`: cells are compared only within a setting. */
  setting: string;
  dataset: string;
  /** `picai` or `brats` (the part after `phantom-`). */
  datasetBase: string;
  model: string;
  loss: LossName;
  /** A-FL's switches; all true for `afl` without `ablation`; null for other losses. */
  alphaVa: boolean | null;
  gammaVa: boolean | null;
  gammaMSa: boolean | null;
  /** Row label: loss, plus the switches for a partial A-FL. */
  variant: string;
  /** Identifies the group (all but seed and case). */
  groupKey: string;
  /** `|1|3|figure3|`: the tables the cell feeds. */
  tables: string;
  cellId: string;
  seed: number;
  caseId: string;
  split: 'val' | 'test';
  iou: number;
  dice: number;
  sensitivity: number;
  specificity: number;
  lesionVolume: number;
  smoothness: number;
}

export function settingOf(result: CellResult): string {
  const c = result.config;
  return `${c.profile} · ${c.protocol} · ${c.spatialDims}-D`;
}

/** The paper's dataset a cell's dataset stands in for (`phantom-picai` and `picai-masks`: `picai`). */
export function datasetBaseOf(dataset: string): string {
  return (DATASET_NAMES as readonly string[]).includes(dataset) ? paperDatasetOf(dataset as DatasetName) : dataset;
}

export function ablationOf(result: CellResult): AblationFlags | null {
  if (result.config.loss !== 'afl') return null;
  return result.config.ablation ?? { useAlphaVa: true, useGammaVa: true, useGammaMSa: true };
}

export function flagsLabel(alphaVa: boolean, gammaVa: boolean, gammaMSa: boolean): string {
  const on = [alphaVa && 'α_va', gammaVa && 'γ_va', gammaMSa && 'γ_mSa'].filter(Boolean);
  return on.length === 0 ? 'none' : on.join(' + ');
}

export function variantOf(loss: LossName, flags: AblationFlags | null): string {
  if (loss !== 'afl' || !flags) return LOSS_LABELS[loss];
  if (flags.useAlphaVa && flags.useGammaVa && flags.useGammaMSa) return 'A-FL';
  return `A-FL (${flagsLabel(flags.useAlphaVa, flags.useGammaVa, flags.useGammaMSa)})`;
}

export interface CaseRowOptions {
  metrics?: MetricView;
  split?: SplitChoice;
}

/** Flattens cell results into one row per evaluated case (NaN kept: the summaries skip and count it). */
export function caseRows(results: readonly CellResult[], options: CaseRowOptions = {}): CaseRow[] {
  const view = options.metrics ?? 'hard';
  const split = options.split ?? 'val';
  const rows: CaseRow[] = [];
  for (const r of results) {
    const c = r.config;
    const flags = ablationOf(r);
    const setting = settingOf(r);
    const variant = variantOf(c.loss, flags);
    const groupKey = [setting, c.dataset, c.model, variant].join(' | ');
    const tables = `|${c.tables.join('|')}|`;
    for (const k of r.cases) {
      if (split !== 'all' && k.split !== split) continue;
      const m = view === 'soft' ? k.soft : k;
      rows.push({
        setting,
        dataset: c.dataset,
        datasetBase: datasetBaseOf(c.dataset),
        model: c.model,
        loss: c.loss,
        alphaVa: flags ? flags.useAlphaVa : null,
        gammaVa: flags ? flags.useGammaVa : null,
        gammaMSa: flags ? flags.useGammaMSa : null,
        variant,
        groupKey,
        tables,
        cellId: r.cellId,
        seed: c.seed,
        caseId: k.caseId,
        split: k.split,
        iou: m.iou,
        dice: m.dice,
        sensitivity: m.sensitivity,
        specificity: m.specificity,
        lesionVolume: k.lesionVolume,
        smoothness: k.smoothness,
      });
    }
  }
  return rows;
}
