import { sharedPath } from '@afl/core/testing';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LossName, ModelName } from '../results/result-schema';
import { reportError } from '../stats/report-error';

/** The four metrics of Tables 1–4, as printed. */
export interface PaperMetrics {
  iou: number;
  dice: number;
  sensitivity: number;
  specificity: number;
}
export interface PaperLossRow extends PaperMetrics {
  loss: LossName;
}
export interface PaperModelRow extends PaperLossRow {
  /** Our model name (`tables.json`'s `reg-unet` → `regunet`, `rr-unet` → `r2unet`). */
  model: ModelName;
  /** The name as `tables.json` spells it. */
  paperModel: string;
}
export interface PaperLossTable {
  title: string;
  dataset: string;
  model?: string;
  rows: PaperModelRow[];
}
export interface PaperAblationRow {
  alphaVa: boolean;
  gammaVa: boolean;
  gammaMSa: boolean;
  picai: { iou: number; dice: number };
  brats: { iou: number; dice: number };
}
export interface PaperTables {
  source: string;
  notes: string[];
  /** Where the numbers were read from. */
  file: string;
  table1: PaperLossTable;
  table2: PaperLossTable;
  table3: PaperLossTable;
  table4: PaperLossTable;
  table5: { title: string; model: string; rows: PaperAblationRow[]; rowsNote?: string };
  figure3: {
    title: string;
    dataset: string;
    model: string;
    relativeDiceGainPercent: {
      smoothness: { good: number; medium: number; poor: number };
      volume: { large: number; medium: number; small: number };
    };
    note?: string;
  };
}

/** `tables.json` model names that differ from ours (`ModelName`). */
export const PAPER_MODEL_ALIASES: Readonly<Record<string, ModelName>> = { 'reg-unet': 'regunet', 'rr-unet': 'r2unet' };

/** Where `tables.json` is looked for: the shared folder's `paper/` (`$AFL_SHARED_DIR`, else `../shared` beside the repository). */
export function paperTablesCandidates(): string[] {
  return [sharedPath('paper', 'tables.json')];
}

/**
 * Reads the paper's Tables 1–5 and Figure 3 (`tables.json`). With a path, that file must exist; without one, the
 * {@link paperTablesCandidates} are tried and `null` is returned when none exists (the report then shows 'paper: n/a').
 *
 * @example const paper = loadPaperTables(); // null when the shared folder is absent
 */
export function loadPaperTables(file?: string): PaperTables | null {
  const fn = 'loadPaperTables';
  let found = file;
  if (found === undefined) {
    found = paperTablesCandidates().find((c) => fs.existsSync(c));
    if (found === undefined) return null;
  } else if (!fs.existsSync(found)) {
    throw reportError(fn, `no such file, got ${JSON.stringify(file)}.`);
  }
  let json: Record<string, any>;
  try {
    json = JSON.parse(fs.readFileSync(found, 'utf8'));
  } catch (e) {
    throw reportError(fn, `${found} is not valid JSON, got ${(e as Error).message}.`);
  }
  const need = (key: string) => {
    if (typeof json[key] !== 'object' || json[key] === null) throw reportError(fn, `${found} must have an object "${key}", got ${JSON.stringify(json[key])}.`);
    return json[key];
  };
  const lossTable = (key: string): PaperLossTable => {
    const t = need(key);
    if (!Array.isArray(t.rows)) throw reportError(fn, `${found}: ${key}.rows must be an array, got ${JSON.stringify(t.rows)}.`);
    return {
      title: String(t.title ?? key),
      dataset: String(t.dataset ?? ''),
      model: t.model,
      rows: t.rows.map((r: any) => {
        const paperModel = String(r.model ?? t.model ?? '');
        return { ...r, paperModel, model: PAPER_MODEL_ALIASES[paperModel] ?? paperModel };
      }),
    };
  };
  const t5 = need('table5');
  const f3 = need('figure3');
  return {
    source: String(json.source ?? ''),
    notes: Array.isArray(json.notes) ? json.notes.map(String) : [],
    file: found,
    table1: lossTable('table1'),
    table2: lossTable('table2'),
    table3: lossTable('table3'),
    table4: lossTable('table4'),
    table5: { title: String(t5.title ?? 'table5'), model: String(t5.model ?? ''), rows: t5.rows ?? [], rowsNote: t5.rowsNote },
    figure3: f3,
  };
}
