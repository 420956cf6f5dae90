import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellResult } from '../results/result-schema';
import { checkpointDir, type Cell } from './run-cell';

/** A finished cell's result file read back, with where its grid's results and its best checkpoint are. */
export interface FinishedCell {
  result: CellResult;
  cell: Cell;
  /** The grid's results folder (parent of `cells/`). */
  outDir: string;
  /** `<outDir>/checkpoints/<cellId>/best.ckpt` (checked to exist). */
  bestCheckpoint: string;
}

/**
 * Reads `<results>/cells/<cellId>.json` and locates the cell's best checkpoint. Every problem becomes `fail(message)`,
 * with a message that starts with the file's path (the CLI turns it into a usage error, the library into an Error).
 */
export function readFinishedCell(file: string, fail: (message: string) => Error): FinishedCell {
  if (!fs.existsSync(file)) throw fail(`${file}: no such file (a result file in <results>/cells/)`);
  let result: CellResult;
  try {
    result = JSON.parse(fs.readFileSync(file, 'utf8')) as CellResult;
  } catch {
    throw fail(`${file}: not a JSON result file`);
  }
  if (!result.cellId || !result.config) throw fail(`${file}: not an afl cell result (no cellId/config)`);
  const outDir = path.dirname(path.dirname(path.resolve(file)));
  const bestCheckpoint = path.join(checkpointDir(outDir, result.cellId), 'best.ckpt');
  if (!fs.existsSync(bestCheckpoint)) throw fail(`${file}: the cell's best checkpoint ${bestCheckpoint} is missing`);
  return { result, cell: { ...result.config, cellId: result.cellId }, outDir, bestCheckpoint };
}
