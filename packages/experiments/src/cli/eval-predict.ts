import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateCases } from '../inference/evaluate-cases';
import { writeFileAtomic } from '../train/atomic-write';
import type { LoadedCell } from './cell-model';

/** Scores a loaded cell's best checkpoint on a split and writes `<out>/eval-<cellId>-<split>.json`. */
export async function evaluateLoadedCell(loaded: LoadedCell, split: 'val' | 'test', outDir: string): Promise<{ file: string; meanDice: number; cases: number }> {
  const cases = await evaluateCases(loaded.model, loaded.data.dataset, split, { roiSize: loaded.cell.training.inputShape, spacing: loaded.data.spacing });
  const valid = cases.filter((c) => !Number.isNaN(c.dice));
  const meanDice = valid.reduce((s, c) => s + c.dice, 0) / Math.max(valid.length, 1);
  const file = path.join(outDir, `eval-${loaded.cell.cellId}-${split}.json`);
  writeFileAtomic(file, `${JSON.stringify({ cellId: loaded.cell.cellId, split, meanDice, cases }, null, 1)}\n`);
  return { file, meanDice, cases: cases.length };
}
