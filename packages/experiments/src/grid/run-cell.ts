import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { evaluateCases, type EvaluatedCase } from '../inference/evaluate-cases';
import { paperDatasetOf, type CellConfig, type CellResult } from '../results/result-schema';
import { writeFileAtomic } from '../train/atomic-write';
import type { SplitDataset } from '../train/dataset-types';
import { seedModelWeights, setOutputPrior } from '../train/model-weights';
import type { ProgressEvent } from '../train/progress';
import { describeConvergence, trainModel } from '../train/train-model';
import { writeCaseOverlay } from './case-overlay';
import { createLesionDetection } from '../inference/lesion-detection';
import { cellLoss } from './cell-loss';

export type Cell = CellConfig & { cellId: string };

/** A dataset for a cell, with its number of input channels and voxel spacing (tensor axis order, mm). */
export interface CellData {
  dataset: SplitDataset;
  inChannels: number;
  spacing?: number[];
  /** Whether the dataset has a held-out test split (scored, never used to choose the epoch). */
  hasTest: boolean;
}

export interface CellEnvironment {
  outDir: string;
  data: (cell: Cell) => Promise<CellData>;
  model: (cell: Cell, inChannels: number) => LayersModel;
  backend?: string;
  onProgress?: (p: ProgressEvent) => void;
  log?: (line: string) => void;
  /** Polled after every training step; true stops the cell after writing its checkpoint ({@link CellInterruptedError}). */
  shouldStop?: () => boolean;
  /** Draw each evaluated case into `<outDir>/overlays/<cellId>/<caseId>.png` (the report's gallery); default true. */
  overlays?: boolean;
}

/** A cell stopped on request (e.g. SIGUSR1 from Slurm) after saving its checkpoint; running it again resumes it. */
export class CellInterruptedError extends Error {
  constructor(readonly cellId: string) {
    super(`cell ${cellId} stopped on request; its checkpoint is saved and the next run resumes it`);
  }
}

export function resultPath(outDir: string, cellId: string): string {
  return path.join(outDir, 'cells', `${cellId}.json`);
}

export function checkpointDir(outDir: string, cellId: string): string {
  return path.join(outDir, 'checkpoints', cellId);
}

let versionsCache: Record<string, string> | null = null;
export function packageVersions(): Record<string, string> {
  if (versionsCache) return versionsCache;
  const out: Record<string, string> = { node: process.version };
  for (const name of ['@afl/core', '@afl/datasets', '@afl/models', '@afl/backend', '@afl/experiments', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      /* not installed */
    }
  }
  versionsCache = out;
  return out;
}

export function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** True when the cell's result file exists and parses. */
export function cellFinished(outDir: string, cellId: string): boolean {
  const file = resultPath(outDir, cellId);
  if (!fs.existsSync(file)) return false;
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as CellResult).cellId === cellId;
  } catch {
    return false;
  }
}

/**
 * Runs one experiment cell: trains (resuming from its checkpoint if one exists), keeps the best validation epoch,
 * scores the validation cases (and the test cases when the dataset has them), and writes the result file
 * atomically. A cell whose result file exists is skipped.
 */
export async function runCell(cell: Cell, env: CellEnvironment): Promise<CellResult | null> {
  if (cellFinished(env.outDir, cell.cellId)) {
    env.log?.(`skip ${cell.cellId} (result exists)`);
    return null;
  }
  const start = Date.now();
  const data = await env.data(cell);
  const model = env.model(cell, data.inChannels);
  seedModelWeights(model, cell.seed);
  if (cell.training.outputPrior !== undefined) setOutputPrior(model, cell.training.outputPrior);
  const ckpt = checkpointDir(env.outDir, cell.cellId);
  const t = cell.training;
  try {
    const trained = await trainModel({
      model,
      dataset: data.dataset,
      loss: cellLoss(cell),
      epochs: t.epochs,
      convergence: t.convergence,
      batchSize: t.batchSize,
      seed: cell.seed,
      augment: t.augment,
      optimizer: { learningRate: t.learningRate, momentum: t.momentum, nesterov: t.nesterov, weightDecay: t.weightDecay },
      checkpointDir: ckpt,
      onProgress: env.onProgress ? (p) => env.onProgress?.({ ...p, label: cell.cellId }) : undefined,
      shouldStop: env.shouldStop,
    });
    if (!trained.completed) throw new CellInterruptedError(cell.cellId);
    const detection = createLesionDetection({ picai: paperDatasetOf(cell.dataset) === 'picai' });
    const onCase = async (c: EvaluatedCase) => {
      await detection.onCase(c);
      if (env.overlays === false) return;
      try {
        await writeCaseOverlay(env.outDir, cell, c);
      } catch (e) {
        env.log?.(`${cell.cellId}: no overlay picture for ${c.result.caseId}: ${(e as Error).message}`);
      }
    };
    const evalOptions = { roiSize: t.inputShape, spacing: data.spacing, onCase };
    const cases = await evaluateCases(model, data.dataset, 'val', evalOptions);
    if (data.hasTest) cases.push(...(await evaluateCases(model, data.dataset, 'test', evalOptions)));
    const picai = detection.picai();
    const { cellId, ...config } = cell;
    const result: CellResult = {
      schemaVersion: 1,
      cellId,
      config,
      cases,
      curve: trained.curve.map((c) => ({ epoch: c.epoch, trainLoss: c.trainLoss, valDice: c.valDice, seconds: c.seconds })),
      bestEpoch: trained.bestEpoch,
      ...(picai ? { picai } : {}),
      ...(t.convergence
        ? { convergence: { criterion: describeConvergence(t.convergence), converged: trained.converged === true, epochsTrained: trained.curve.length } }
        : {}),
      timings: { totalSeconds: (Date.now() - start) / 1000, meanStepMs: trained.meanStepMs, steps: trained.steps },
      backend: env.backend ?? tf.getBackend(),
      versions: packageVersions(),
      gitCommit: gitCommit(),
      finishedAt: new Date().toISOString(),
    };
    writeFileAtomic(resultPath(env.outDir, cellId), `${JSON.stringify(result, null, 1)}\n`);
    const last = path.join(ckpt, 'last.ckpt');
    if (fs.existsSync(last)) fs.rmSync(last);
    return result;
  } finally {
    model.dispose();
  }
}
