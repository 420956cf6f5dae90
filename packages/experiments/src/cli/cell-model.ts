import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CellResult } from '../results/result-schema';
import type { Cell, CellData, CellEnvironment } from '../grid/run-cell';
import { readFinishedCell, type FinishedCell } from '../grid/finished-cell';
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

/** Reads a `--cell` result file (a usage error names what is wrong with it). */
export function readCellFlag(file: string): FinishedCell {
  return readFinishedCell(file, (m) => new UsageError(`--cell ${m}`));
}

/** The finished cell's best model, built by the environment on the cell's own data. */
export async function loadCell(finished: FinishedCell, env: Omit<CellEnvironment, 'outDir'>): Promise<LoadedCell> {
  const { cell, result, outDir, bestCheckpoint } = finished;
  const data = await env.data(cell);
  const model = env.model(cell, data.inChannels);
  writeModelWeights(model, readTensorFile(bestCheckpoint).arrays, bestCheckpoint);
  return { cell, result, data, model, outDir };
}
