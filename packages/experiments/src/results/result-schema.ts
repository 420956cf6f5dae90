/**
 * The result file of one experiment cell: `<out>/cells/<cellId>.json`, written atomically (temp file + rename).
 * Aggregation (`afl report`) reads only these files. JSON has no NaN: a NaN metric (e.g. Dice of an empty mask) is
 * written as `null` and must be read back as NaN.
 */

import type { LossName } from '@afl/core';
import type { ModelName } from '@afl/models';

/** Names accepted by `@afl/core`'s `createLoss` (its `LOSS_NAMES`) and by `@afl/models`' `createModel` (`MODEL_NAMES`). */
export type { LossName, ModelName };

/**
 * The datasets a cell trains on. `phantom-*` are the built-in procedural datasets of `@afl/datasets`; `picai-masks`
 * the real picai_labels lesion and gland masks with simulated bpMRI around them (`--picai-labels DIR`).
 */
export const DATASET_NAMES = ['phantom-picai', 'phantom-brats', 'picai', 'brats', 'picai-masks'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Which of the paper's two datasets a cell's dataset stands in for. */
export function paperDatasetOf(dataset: DatasetName): 'picai' | 'brats' {
  return dataset === 'brats' || dataset === 'phantom-brats' ? 'brats' : 'picai';
}

/** The protocols (their settings: `PROTOCOLS` of `src/paper/protocols.ts`). */
export const PROTOCOL_NAMES = ['paper', 'authors-code'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** The grid's profiles (their settings: `PROFILES` of `src/config.ts`). */
export const PROFILE_NAMES = ['smoke', 'quick', 'standard', 'paper'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** A-FL's ablation switches (Table 5). Absent for losses other than `afl`. */
export interface AblationFlags {
  useAlphaVa: boolean;
  useGammaVa: boolean;
  useGammaMSa: boolean;
}

/** Everything that identifies a cell; `cellId` is derived from it. */
export interface CellConfig {
  profile: ProfileName;
  dataset: DatasetName;
  model: ModelName;
  spatialDims: 2 | 3;
  loss: LossName;
  ablation?: AblationFlags;
  protocol: ProtocolName;
  seed: number;
  /** The paper's tables (1–5) and figure (`'figure3'`) this cell feeds. */
  tables: Array<1 | 2 | 3 | 4 | 5 | 'figure3'>;
  /** Training hyper-parameters after the protocol's defaults and the profile's overrides. */
  training: {
    epochs: number;
    learningRate: number;
    momentum: number;
    nesterov: boolean;
    weightDecay: number;
    batchSize: number;
    /** Spatial input size of the network, `[D, H, W]` (3-D) or `[H, W]` (2-D). */
    inputShape: number[];
    outChannels: 1 | 2;
    augment: boolean;
    /** Tumour probability every voxel starts at (the output bias, RetinaNet's prior initialisation); absent: 0.5. */
    outputPrior?: number;
    /** Early stopping once converged (the profile's criterion); absent: all `epochs` are trained. */
    convergence?: { patience: number; minDelta: number; minEpochs: number; floor: number; window: number };
  };
}

/** Metrics of one evaluated case. Hard metrics: tumour channel, prediction `p > 0.5`. */
export interface CaseResult {
  caseId: string;
  /** `val`: the set the best epoch was chosen on (the paper's protocol); `test`: held out, never used to choose. */
  split: 'val' | 'test';
  dice: number;
  iou: number;
  sensitivity: number;
  specificity: number;
  /** The same four as the authors' code computed them (soft, squared denominators, background + tumour averaged). */
  soft: { dice: number; iou: number; sensitivity: number; specificity: number };
  /** 95th-percentile Hausdorff distance in mm (NaN when a mask is empty). */
  hd95: number;
  /** The ground-truth mask's A-FL parameters (on the evaluated crop). */
  gammaVa: number;
  gammaMSa: number;
  /** Lesion volume in mm³ (voxels × voxel volume). */
  lesionVolume: number;
  /**
   * Boundary smoothness of the ground-truth lesion in (0, 1]: surface area of the sphere of equal volume divided by
   * the lesion's surface area (sphericity; 1 = a ball, small = zigzag).
   */
  smoothness: number;
  /** Lesion-wise detection (26-connected lesions, hit at IoU >= 0.1, prediction `p > 0.5`); absent in older files. */
  lesions?: CaseLesions;
}

/** Lesion-wise detection counts of one case (`lesionWiseF1` of `@afl/core`). */
export interface CaseLesions {
  /** Ground-truth lesions and predicted lesions. */
  truth: number;
  predicted: number;
  /** Ground-truth lesions hit by a predicted lesion; missed ones; predicted lesions that hit none. */
  detected: number;
  missed: number;
  falsePositives: number;
  /** Lesion-level F1 (NaN when neither mask has a lesion). */
  f1: number;
}

/**
 * The PI-CAI challenge's metrics of a cell (picai_eval semantics, `evaluatePicai` of `@afl/core`) over its validation
 * cases: lesion candidates by the dynamic threshold, lesion-level AP, case-level AUROC (case confidence = max) and the
 * ranking score `(AUROC + AP) / 2`. NaN (null in JSON) where undefined, e.g. AUROC without negative cases.
 */
export interface CellPicaiMetrics {
  split: 'val';
  candidates: 'dynamic';
  ap: number;
  auroc: number;
  score: number;
  numCases: number;
  numPositiveCases: number;
  numLesions: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  /** Mean hard Dice on the validation split after this epoch. */
  valDice: number;
  seconds: number;
}

export interface CellResult {
  schemaVersion: 1;
  cellId: string;
  config: CellConfig;
  cases: CaseResult[];
  curve: EpochRecord[];
  /** Epoch (1-based) whose checkpoint was evaluated: the best validation Dice. */
  bestEpoch: number;
  /** PI-CAI's lesion-level metrics, for cells on PI-CAI or its phantom; absent elsewhere and in older files. */
  picai?: CellPicaiMetrics;
  /**
   * How training ended, for cells with a convergence criterion: the criterion in words, whether it stopped the run
   * (false: the epoch limit came first) and the last epoch trained.
   */
  convergence?: { criterion: string; converged: boolean; epochsTrained: number };
  timings: { totalSeconds: number; meanStepMs: number; steps: number };
  backend: string;
  versions: Record<string, string>;
  gitCommit: string | null;
  finishedAt: string;
}
