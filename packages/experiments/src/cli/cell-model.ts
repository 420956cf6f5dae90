import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CellResult } from '../results/result-schema';
import type { Cell, CellData, CellEnvironment } from '../grid/run-cell';
import { checkpointDir } from '../grid/run-cell';
import { readTensorFile } from '../train/tensor-file';
import { writeModelWeights } from '../train/model-weights';
import { UsageError } from './parse-args';

/** A finished cell read back from its result file: its config, the data it used and its best model. */
export interface LoadedCell {
  cell: Cell;
  result: CellResult;
  data: CellData;
  model: LayersModel;
  /** The grid's results folder (parent of `cells/`). */
  outDir: string;
}

export async function loadCell(file: string, env: Omit<CellEnvironment, 'outDir'>): Promise<LoadedCell> {
  if (!fs.existsSync(file)) throw new UsageError(`--cell ${file}: no such file (a result file in <results>/cells/)`);
  let result: CellResult;
  try {
    result = JSON.parse(fs.readFileSync(file, 'utf8')) as CellResult;
  } catch {
    throw new UsageError(`--cell ${file}: not a JSON result file`);
  }
  if (!result.cellId || !result.config) throw new UsageError(`--cell ${file}: not an afl cell result (no cellId/config)`);
  const outDir = path.dirname(path.dirname(path.resolve(file)));
  const best = path.join(checkpointDir(outDir, result.cellId), 'best.ckpt');
  if (!fs.existsSync(best)) throw new UsageError(`${best}: the cell's best checkpoint is missing`);
  const cell: Cell = { ...result.config, cellId: result.cellId };
  const data = await env.data(cell);
  const model = env.model(cell, data.inChannels);
  writeModelWeights(model, readTensorFile(best).arrays, best);
  return { cell, result, data, model, outDir };
}
