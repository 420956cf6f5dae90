import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { diceScore, LossFunction, meanOfValid } from '@afl/core';
import type { SplitDataset, TrainBatch } from './dataset-types';
import { readModelWeights, weightsAreFinite, writeModelWeights } from './model-weights';
import type { ProgressEvent } from './progress';
import { deriveSeed } from './seeded-random';
import { SgdOptimizer, SgdOptions, SgdState } from './sgd';
import { NamedArray, readTensorFile, writeTensorFile } from './tensor-file';

export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  valDice: number;
  seconds: number;
}

/**
 * When training counts as converged: validation Dice has stopped improving. The curve is smoothed by a moving mean
 * over `window` epochs (single epochs of batch-1 training are noisy); after at least `minEpochs`, the run stops once
 * `patience` epochs have passed without the smoothed Dice beating its best by `minDelta`, provided the best raw Dice
 * has reached `floor` (a model still predicting nothing has not converged, it has not started). A run that reaches
 * its epoch limit first is reported as not converged. The evaluated checkpoint is still the best raw epoch.
 */
export interface ConvergenceCriterion {
  patience: number;
  minDelta: number;
  minEpochs: number;
  floor: number;
  window: number;
}

/** One sentence stating a criterion, as result files and reports record it. */
export function describeConvergence(c: ConvergenceCriterion): string {
  return (
    `stop when the ${c.window}-epoch moving mean of validation Dice has not beaten its best by >= ${c.minDelta} for ` +
    `${c.patience} epochs (after >= ${c.minEpochs} epochs, once the best Dice is >= ${c.floor}); a run reaching its ` +
    'epoch limit first has not converged'
  );
}

/** Whether a validation-Dice curve (epoch 1 first) has converged by `criterion`, and its last smoothed improvement. */
export function convergenceOf(valDice: readonly number[], criterion: ConvergenceCriterion): { converged: boolean; lastImprovementEpoch: number } {
  let best = -Infinity;
  let lastImprovementEpoch = 0;
  valDice.forEach((_, i) => {
    const from = Math.max(0, i + 1 - criterion.window);
    const recent = valDice.slice(from, i + 1);
    const smoothed = recent.reduce((a, b) => a + b, 0) / recent.length;
    if (lastImprovementEpoch === 0 || smoothed >= best + criterion.minDelta) {
      best = smoothed;
      lastImprovementEpoch = i + 1;
    }
  });
  const epoch = valDice.length;
  const converged =
    epoch >= criterion.minEpochs && epoch - lastImprovementEpoch >= criterion.patience && Math.max(...valDice) >= criterion.floor;
  return { converged, lastImprovementEpoch };
}

export interface TrainModelOptions {
  model: LayersModel;
  dataset: SplitDataset;
  /**
   * `(mask, logits) => scalar`; the mask is `[B, ...spatial, 1]`, the logits the model's raw output. When the loss
   * has `prepare` (A-FL from `createLoss`), it is awaited once per batch before the step and its bound loss used.
   */
  loss: LossFunction;
  /** The epoch limit (with `convergence`, the run may stop before it). */
  epochs: number;
  /** Stop early once converged (see {@link ConvergenceCriterion}); default: train all `epochs`. */
  convergence?: ConvergenceCriterion;
  batchSize?: number;
  seed: number;
  augment?: boolean;
  optimizer: SgdOptions;
  /** Folder for `last.ckpt` and `best.ckpt`; an existing `last.ckpt` there is resumed. */
  checkpointDir?: string;
  /** Also checkpoint every this many steps inside an epoch (0: only at epoch ends). */
  checkpointEverySteps?: number;
  /** Steps per epoch, for progress and ETA (the trainer counts them on the first epoch otherwise). */
  stepsPerEpoch?: number;
  onProgress?: (p: ProgressEvent) => void;
  onEpoch?: (e: EpochSummary) => void;
  /** Testing hook: stop abruptly (as a killed process would) after this many steps of this call. */
  stopAfterSteps?: number;
  /**
   * Polled after every step: when it returns true the trainer writes `last.ckpt` and returns with
   * `completed: false` (e.g. on SIGUSR1 before a Slurm time limit; the next run resumes from there).
   */
  shouldStop?: () => boolean;
}

export interface TrainModelResult {
  curve: EpochSummary[];
  bestEpoch: number;
  bestValDice: number;
  steps: number;
  meanStepMs: number;
  /** True when this call started from a checkpoint. */
  resumed: boolean;
  /** False when `stopAfterSteps` ended the call early. */
  completed: boolean;
  /** With `convergence`: whether the criterion stopped the run (false: it reached the epoch limit). */
  converged?: boolean;
}

/** Stops a run whose loss or weights stopped being finite. */
export class TrainingDivergedError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly caseIds: string[],
    readonly lastFiniteLoss: number,
    readonly what: string,
  ) {
    super(
      `Error in trainModel: ${what} at epoch ${epoch}, step ${step} (cases ${caseIds.join(', ')}); last finite loss ${lastFiniteLoss}. The last good checkpoint is kept.`,
    );
  }
}

interface CheckpointMeta {
  version: 1;
  /** Epoch (1-based) in progress or just finished. */
  epoch: number;
  /** Steps of `epoch` already taken. */
  stepInEpoch: number;
  epochLossSum: number;
  epochStart: number;
  curve: EpochSummary[];
  bestEpoch: number;
  bestValDice: number;
  optimizerStep: number;
  bufferPresent: boolean[];
  stepsPerEpoch: number | null;
  lastFiniteLoss: number;
  stepTimeSum: number;
  stepCount: number;
  seed: number;
}

/** Tumour probabilities `[B, ...spatial, 1]` from the network's logits (1 or 2 channels). */
export function tumourProbabilities(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = logits.shape[logits.rank - 1];
    const last = c === 1 ? logits : tf.slice(logits, logits.shape.map((_, i) => (i === logits.rank - 1 ? c - 1 : 0)), logits.shape.map((d, i) => (i === logits.rank - 1 ? 1 : d)));
    return tf.sigmoid(last);
  });
}

/** Mean hard Dice of the model on a split (batch 1, cases with an empty mask skipped). */
export async function validationDice(model: LayersModel, dataset: SplitDataset, split: 'val' | 'test' = 'val'): Promise<number> {
  const values: number[] = [];
  for await (const batch of dataset.split(split).batches({ batchSize: 1, shuffle: false, seed: 0, augment: false })) {
    const probs = tf.tidy(() => tumourProbabilities(model.apply(batch.image, { training: false }) as tf.Tensor));
    values.push(...(await diceScore(batch.mask, probs)));
    tf.dispose([batch.image, batch.mask, probs]);
  }
  return meanOfValid(values).mean;
}

async function saveCheckpoint(file: string, model: LayersModel, optimizer: SgdOptimizer, meta: Omit<CheckpointMeta, 'optimizerStep' | 'bufferPresent'>): Promise<void> {
  const weights = await readModelWeights(model);
  const state = await optimizer.getState();
  const buffers: NamedArray[] = [];
  state.buffers.forEach((b, i) => {
    if (b) buffers.push({ name: `sgd/${i}`, shape: [b.length], data: b });
  });
  writeTensorFile<CheckpointMeta>(file, { ...meta, optimizerStep: state.step, bufferPresent: state.buffers.map((b) => b !== null) }, [...weights, ...buffers]);
}

function loadCheckpoint(file: string, model: LayersModel, optimizer: SgdOptimizer): CheckpointMeta {
  const { meta, arrays } = readTensorFile<CheckpointMeta>(file);
  const n = model.weights.length;
  writeModelWeights(model, arrays.slice(0, n), file);
  const trainable = model.trainableWeights;
  let k = n;
  const state: SgdState = {
    step: meta.optimizerStep,
    buffers: meta.bufferPresent.map((present) => (present ? arrays[k++].data : null)),
  };
  optimizer.setState(state, trainable.map((w) => w.shape as number[]));
  return meta;
}

function stepsFromSize(dataset: SplitDataset, batchSize: number): number | null {
  const size = dataset.split('train').size;
  return size === undefined ? null : Math.ceil(size / batchSize);
}

async function* epochBatches(dataset: SplitDataset, options: { batchSize: number; seed: number; augment: boolean }): AsyncGenerator<TrainBatch> {
  for await (const b of dataset.split('train').batches({ ...options, shuffle: true })) yield b;
}

/**
 * Trains `model` with SGD (momentum, optional Nesterov, weight decay), batch by batch, validating after every epoch
 * and keeping the weights of the epoch with the best validation Dice (restored into `model` at the end).
 *
 * Determinism and resume: epoch `e`'s data order and augmentation come from `deriveSeed(seed, e)`; with
 * `checkpointDir`, `last.ckpt` (weights, optimizer state, epoch, position in the epoch, curve) is written atomically
 * at each epoch end (and every `checkpointEverySteps`), so a run killed at any moment and started again with the
 * same options ends with the same weights, bit for bit on the cpu backend.
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainModelResult> {
  const { model, dataset, loss, epochs, seed, batchSize = 1, augment = false } = options;
  const optimizer = new SgdOptimizer(options.optimizer);
  const lastFile = options.checkpointDir ? path.join(options.checkpointDir, 'last.ckpt') : null;
  const bestFile = options.checkpointDir ? path.join(options.checkpointDir, 'best.ckpt') : null;
  let meta: CheckpointMeta = {
    version: 1,
    epoch: 1,
    stepInEpoch: 0,
    epochLossSum: 0,
    epochStart: Date.now(),
    curve: [],
    bestEpoch: 0,
    bestValDice: -Infinity,
    optimizerStep: 0,
    bufferPresent: [],
    stepsPerEpoch: options.stepsPerEpoch ?? stepsFromSize(dataset, batchSize),
    lastFiniteLoss: NaN,
    stepTimeSum: 0,
    stepCount: 0,
    seed,
  };
  let resumed = false;
  if (lastFile && fs.existsSync(lastFile)) {
    meta = loadCheckpoint(lastFile, model, optimizer);
    if (meta.seed !== seed) throw new Error(`Error in trainModel: ${lastFile} was written with seed ${meta.seed}, this run has seed ${seed}.`);
    resumed = true;
  }
  let bestWeights: NamedArray[] | null = bestFile && fs.existsSync(bestFile) ? readTensorFile(bestFile).arrays : null;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const save = async () => {
    if (!lastFile) return;
    const weights = await readModelWeights(model);
    if (!weightsAreFinite(weights)) {
      throw new TrainingDivergedError(meta.epoch, meta.stepInEpoch, [], meta.lastFiniteLoss, 'non-finite weights');
    }
    await saveCheckpoint(lastFile, model, optimizer, meta);
  };
  let stepsThisCall = 0;
  const criterion = options.convergence;
  const converged = () => criterion !== undefined && convergenceOf(meta.curve.map((c) => c.valDice), criterion).converged;
  for (; meta.epoch <= epochs && !converged(); ) {
    const epoch = meta.epoch;
    let step = 0;
    for await (const batch of epochBatches(dataset, { batchSize, seed: deriveSeed(seed, epoch), augment })) {
      step += 1;
      if (step <= meta.stepInEpoch) {
        tf.dispose([batch.image, batch.mask]);
        continue;
      }
      if (options.stopAfterSteps !== undefined && stepsThisCall >= options.stopAfterSteps) {
        tf.dispose([batch.image, batch.mask]);
        optimizer.dispose();
        return { curve: meta.curve, bestEpoch: meta.bestEpoch, bestValDice: meta.bestValDice, steps: stepsThisCall, meanStepMs: NaN, resumed, completed: false };
      }
      const t0 = process.hrtime.bigint();
      // Host-side values the loss needs of this batch's mask (A-FL's parameters) are read before the step, so the
      // step itself reads only the loss value, asynchronously (webgpu has no synchronous reads).
      const prepared = loss.prepare ? await loss.prepare(batch.mask) : null;
      const stepLoss = prepared ? prepared.loss : loss;
      const { value: lossValue, grads } = tf.tidy(() => tf.variableGrads(() => stepLoss(batch.mask, model.apply(batch.image, { training: true }) as tf.Tensor), variables));
      const value = (await lossValue.data())[0];
      if (Number.isFinite(value)) optimizer.applyGradients(variables, variables.map((w) => grads[w.name]));
      prepared?.dispose();
      tf.dispose([lossValue, ...Object.values(grads), batch.image, batch.mask]);
      if (!Number.isFinite(value)) {
        optimizer.dispose();
        throw new TrainingDivergedError(epoch, step, batch.caseIds, meta.lastFiniteLoss, `loss is ${value}`);
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      meta.lastFiniteLoss = value;
      meta.epochLossSum += value;
      meta.stepInEpoch = step;
      meta.stepTimeSum += ms;
      meta.stepCount += 1;
      stepsThisCall += 1;
      if (options.onProgress) {
        const perEpoch = meta.stepsPerEpoch ?? NaN;
        const stepsPerSecond = 1000 / (meta.stepTimeSum / meta.stepCount);
        const left = (epochs - epoch) * perEpoch + Math.max(perEpoch - step, 0);
        options.onProgress({ epoch, epochs, step, stepsPerEpoch: perEpoch, loss: value, stepsPerSecond, etaSeconds: left / stepsPerSecond });
      }
      // Signals (SIGUSR1 before a Slurm time limit) are delivered on the event loop, which awaiting the batch
      // iterator alone never reaches: yield to it once per step.
      if (options.shouldStop) await new Promise((resolve) => setImmediate(resolve));
      if (options.shouldStop?.()) {
        await save();
        optimizer.dispose();
        return { curve: meta.curve, bestEpoch: meta.bestEpoch, bestValDice: meta.bestValDice, steps: stepsThisCall, meanStepMs: NaN, resumed, completed: false };
      }
      if (options.checkpointEverySteps && step % options.checkpointEverySteps === 0) await save();
    }
    meta.stepsPerEpoch = step;
    const valDice = await validationDice(model, dataset, 'val');
    const summary: EpochSummary = { epoch, trainLoss: meta.epochLossSum / Math.max(step, 1), valDice, seconds: (Date.now() - meta.epochStart) / 1000 };
    meta.curve.push(summary);
    options.onEpoch?.(summary);
    if (valDice > meta.bestValDice || meta.bestEpoch === 0) {
      meta.bestValDice = valDice;
      meta.bestEpoch = epoch;
      bestWeights = await readModelWeights(model);
      if (bestFile) writeTensorFile(bestFile, { epoch, valDice }, bestWeights);
    }
    meta.epoch = epoch + 1;
    meta.stepInEpoch = 0;
    meta.epochLossSum = 0;
    meta.epochStart = Date.now();
    await save();
  }
  if (bestWeights) writeModelWeights(model, bestWeights, 'best weights');
  optimizer.dispose();
  return {
    curve: meta.curve,
    bestEpoch: meta.bestEpoch,
    bestValDice: meta.bestValDice,
    steps: meta.stepCount,
    meanStepMs: meta.stepTimeSum / Math.max(meta.stepCount, 1),
    resumed,
    completed: true,
    ...(criterion ? { converged: converged() } : {}),
  };
}
