import { createHash } from 'node:crypto';
import type { PhantomDatasetOptions } from '@afl/datasets';
import { PROTOCOLS, type ProtocolSpec } from './paper/protocols';
import { canonicalCell, paperCells } from './paper/tables';
import type { ConvergenceCriterion } from './train/train-model';
import type { AblationFlags, CellConfig, DatasetName, ProfileName, ProtocolName } from './results/result-schema';

export { PROTOCOLS } from './paper/protocols';
export type { ProtocolSpec } from './paper/protocols';

/** Dataset sizes and network input of one dataset in a profile. */
export interface ProfileDataset {
  name: DatasetName;
  /** Network input, `[D, H, W]`. */
  inputShape: number[];
  cases: { train: number; val: number; test: number };
  /**
   * Settings of the built-in phantom (PI-CAI side: lesion sizes, contrast, field of view; BraTS side: `brain`).
   * `lesionContrast` also sets `picai-masks`' simulated lesion contrast.
   */
  phantom?: PhantomSettings;
  /** `picai-masks` (real lesion masks): margin around the gland box, voxels at 0.5 mm in-plane (default 30). */
  glandMargin?: number;
}

/** The phantom generator's settings a profile may set (`createPhantomDataset` of `@afl/datasets`). */
export type PhantomSettings = Pick<PhantomDatasetOptions, 'lesionRanges' | 'lesionContrast' | 'fovMm' | 'brain'>;

/** What a profile runs: datasets, model sizes, epochs and overrides of the protocol. */
export interface ProfileSpec {
  name: ProfileName;
  description: string;
  picai: ProfileDataset;
  brats: ProfileDataset;
  spatialDims: 2 | 3;
  /** Channel widths of the models: `'paper'` = the published sizes, or the first level's width (doubling per level). */
  modelSize: 'paper' | { baseChannels: number; levels: number };
  seeds: number;
  /** Overrides of the protocol's settings (e.g. fewer epochs, a larger learning rate for short runs). */
  overrides: Partial<ProtocolSpec>;
  /** Start every network at this tumour probability (output-bias prior initialisation); absent: 0.5. */
  outputPrior?: number;
  /** Stop each cell once converged; `overrides.epochs` is then the limit. Absent: every epoch is trained. */
  convergence?: ConvergenceCriterion;
}

/** The CPU profiles' PI-CAI crop: the gland box with a few mm of margin (see the quick profile for why). */
const PICAI_FOV_MM = [40, 56, 64];
/** The CPU profiles' PI-CAI phantom lesion contrast (see the quick profile for why; the phantom's default is [0.55, 1]). */
const PICAI_LESION_CONTRAST = [1, 1.5] as const;
/** The same crop for the real masks (`picai-masks`): gland box + 16 voxels at 0.5 mm in-plane (8 mm). */
const GLAND_MARGIN = 16;

/** The convergence criterion of the CPU profiles (see the quick profile for how it was chosen). */
const CONVERGENCE: ConvergenceCriterion = { patience: 10, minDelta: 0.01, minEpochs: 30, floor: 0.05, window: 5 };

/**
 * A CPU profile: both phantoms at one input size (PI-CAI cropped to the gland, `picai-masks` likewise), 3-level models
 * of base width 4, and the settings chosen on the baselines (see the quick profile): lr 0.05, output prior 0.01,
 * training until converged within `epochs`.
 */
function cpuProfile(
  name: ProfileName,
  description: string,
  o: { inputShape: number[]; cases: ProfileDataset['cases']; seeds: number; epochs: number },
): ProfileSpec {
  return {
    name,
    description,
    picai: { name: 'phantom-picai', inputShape: [...o.inputShape], cases: { ...o.cases }, phantom: { fovMm: PICAI_FOV_MM, lesionContrast: PICAI_LESION_CONTRAST }, glandMargin: GLAND_MARGIN },
    brats: { name: 'phantom-brats', inputShape: [...o.inputShape], cases: { ...o.cases } },
    spatialDims: 3,
    modelSize: { baseChannels: 4, levels: 3 },
    seeds: o.seeds,
    overrides: { epochs: o.epochs, learningRate: 0.05 },
    outputPrior: 0.01,
    convergence: CONVERGENCE,
  };
}

export const PROFILES: Record<ProfileName, ProfileSpec> = {
  smoke: {
    name: 'smoke',
    description: 'Tiny: every table and the figure end to end in a few minutes (CI).',
    picai: { name: 'phantom-picai', inputShape: [8, 16, 16], cases: { train: 4, val: 3, test: 2 } },
    brats: { name: 'phantom-brats', inputShape: [8, 16, 16], cases: { train: 4, val: 3, test: 2 } },
    spatialDims: 3,
    modelSize: { baseChannels: 4, levels: 2 },
    seeds: 1,
    overrides: { epochs: 2, learningRate: 0.3, augment: false },
  },
  /**
   * How the settings were chosen (`scripts/tune-baselines.js`, on the baseline losses' validation curves only: FL, CE
   * and Dice on the PI-CAI phantom with U-Net and ResNet50 U-Net, and on the BraTS phantom with ResNet50 U-Net; A-FL
   * was not run while choosing):
   * - At the default initialisation (output probability 0.5) and learning rates 0.1 to 2, FL stayed at validation
   *   Dice 0 for 400 steps in every trial, also with stronger lesion contrast, a tighter field of view, 2x wider
   *   networks and 4x larger lesions; at 0.5 and above the ReLU features died. Only 13x larger lesions or 4x wider
   *   networks (4x the time) let it start.
   * - RetinaNet's prior initialisation of the output bias (tumour probability 0.01 at the start; the focal-loss paper's
   *   own remedy) made FL start within 100 steps on both phantoms.
   * - Learning rate 0.05 (of 0.01, 0.02, 0.05, 0.1, 0.3): at 0.1 and 0.3 the BraTS Dice and CE curves collapsed or
   *   oscillated; at 0.02 and 0.01 FL and CE barely started on PI-CAI and Dice collapsed.
   * - PI-CAI field of view 40 x 56 x 64 mm (the gland box with a few mm of margin) instead of the paper's crop
   *   (57.6 x 85 x 96 mm): at 8 x 32 x 32 voxels and the paper's crop, the ResNet50 U-Net's FL, CE and Dice curves stayed
   *   below 0.1, 0.31 and 0.25 (also with 2x width or lr 0.02); with the tighter crop they reached 0.46, 0.58 and 0.65.
   *   Lesion sizes in mm3 stay the paper's distribution.
   * - Convergence: the 5-epoch moving mean of validation Dice, patience 10 epochs; FL's slow climb on BraTS (+0.01
   *   every few epochs) needs the moving mean and the patience not to be cut short. Limit 70 epochs (the budget).
   * - Input size and model width stay as they were (8 x 32 x 32, 4 channels doubling over 3 levels).
   * - Second round, on the profile's own cells (`tune-baselines.js --profile quick`: same split, augmentation and
   *   convergence criterion; the first round had run without augmentation on another split): the ResNet50 U-Net's FL
   *   on the PI-CAI phantom stopped at validation Dice 0.15 (CE 0.19, Dice 0.34), its curves jumping between 0 and
   *   0.2 from epoch to epoch with 6 validation cases. Lesion contrast [1, 1.5] (lesions a little beyond the tissue
   *   contrast of the default [0.55, 1]) gave FL 0.32, CE 0.43, Dice 0.45; with 8 validation cases as well (10/8/4,
   *   the standard profile's counts) the curves were smooth and FL reached 0.39, CE 0.59, Dice 0.68, all converged.
   *   [1.2, 1.8] gave FL 0.38; longer patience (15, 25) or learning rate 0.02 or 0.1 at the old contrast left FL
   *   below 0.26. Chosen: [1, 1.5] and 10/8/4.
   * - With 8 validation cases the BraTS FL curve sat on a plateau (Dice 0.1 to 0.3, epochs 6 to 19) and the criterion
   *   stopped it at epoch 18 (Dice 0.29); at least 30 epochs let it climb to 0.56 and converge at epoch 44 (CE and
   *   Dice on BraTS stop at epochs 32 and 34 with Dice 0.62 and 0.71 either way). Chosen: `minEpochs` 30, for both
   *   CPU profiles (the standard profile was re-run with it).
   * - Time: 13.2 min one cell after another in one process, 16-19 min while the machine ran slower. `npm start` runs
   *   the cells in one worker process per core with one native thread each (`afl grid --workers auto`), 8.1 min on 2
   *   cores; the settings above are unchanged. The thread count changes the last bits of some float sums, and the
   *   single-seed cells amplify that (median 0.028 Dice between the two runs): read the standard profile.
   */
  quick: cpuProfile(
    'quick',
    'The built-in phantom datasets, small 3-D models trained to convergence (at most 70 epochs): every table and the figure on a 2-core laptop CPU in under 15 minutes.',
    { inputShape: [8, 32, 32], cases: { train: 10, val: 8, test: 4 }, seeds: 1, epochs: 70 },
  ),
  /**
   * The quick profile's settings (chosen as described there) with 3 seeds, larger inputs (8 x 40 x 40: 1.56x the
   * voxels) and a limit of 100 epochs (at 40, 24 of the 78 cells were still improving), so
   * paired statistics run over cases x seeds. With `--picai-labels DIR` its PI-CAI
   * cells train on the real picai_labels lesion shapes (`picai-masks`, cropped to the gland box + 16 voxels), as its
   * committed results do.
   *
   * `picai-masks` takes the PI-CAI phantom's lesion contrast [1, 1.5] (`tune-baselines.js --profile standard
   * --picai-labels DIR`, seed 1, baselines only): at the dataset's default [0.55, 1] the ResNet50 U-Net's FL stayed at
   * a constant validation Dice of 0.07 for 30 epochs (best 0.08), and in the first standard run CE reached 0.09 to
   * 0.30; at [1, 1.5] FL reached 0.18, CE 0.44 and Dice 0.53.
   */
  standard: cpuProfile(
    'standard',
    'Quick-profile settings with 3 seeds and 8 x 40 x 40 inputs, trained to convergence: the committed results (within 90 minutes on 2 cores).',
    { inputShape: [8, 40, 40], cases: { train: 10, val: 8, test: 4 }, seeds: 3, epochs: 100 },
  ),
  paper: {
    name: 'paper',
    description: "The paper's data (PI-CAI 2022, BraTS 2018 from --picai/--brats folders), sizes and protocol, on a CUDA workstation.",
    picai: { name: 'picai', inputShape: [24, 160, 128], cases: { train: 180, val: 40, test: 0 } },
    brats: { name: 'brats', inputShape: [144, 224, 224], cases: { train: 384, val: 100, test: 0 } },
    spatialDims: 3,
    modelSize: 'paper',
    seeds: 1,
    overrides: {},
  },
};

export type TableId = CellConfig['tables'][number];

export interface GridOptions {
  profile: ProfileName;
  protocol?: ProtocolName;
  /** Which tables to run (default all five and the figure). */
  tables?: TableId[];
  /** Number of seeds (default: the profile's). Seeds are 1..n. */
  seeds?: number;
  /** Overrides applied to every cell's training settings. */
  overrides?: Partial<ProtocolSpec>;
  /**
   * Train the PI-CAI cells of a phantom profile on `picai-masks` (real picai_labels lesion shapes, simulated bpMRI;
   * `--picai-labels DIR`) instead of `phantom-picai`.
   */
  picaiLabels?: boolean;
}

/** A stable id naming the cell: readable prefix + hash of the identifying fields. */
export function cellIdOf(c: Omit<CellConfig, 'tables'>): string {
  const key = JSON.stringify([c.profile, c.dataset, c.model, c.spatialDims, c.loss, c.ablation ?? null, c.protocol, c.seed, c.training]);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const flags = c.ablation ? `-${['A', 'V', 'S'].map((k, i) => (Object.values(c.ablation as AblationFlags)[i] ? k : '_')).join('')}` : '';
  return `${c.dataset}-${c.model}-${c.loss}${flags}-${c.protocol}-s${c.seed}-${hash}`;
}

/**
 * The cells of a grid: one per (dataset, model, loss, ablation, seed) that a requested table needs (`paperCells` of
 * the paper spec, `src/paper/tables.ts`), deduplicated (Table 5's FL row is Table 1's FL cell, its all-on row the A-FL
 * cell), each listing the tables it feeds.
 */
export function gridCells(options: GridOptions): Array<CellConfig & { cellId: string }> {
  const profile = PROFILES[options.profile];
  if (!profile) throw new Error(`Error in gridCells: unknown profile ${JSON.stringify(options.profile)}, valid: ${Object.keys(PROFILES).join(', ')}.`);
  const protocolName = options.protocol ?? 'paper';
  const protocol = PROTOCOLS[protocolName];
  if (!protocol) throw new Error(`Error in gridCells: unknown protocol ${JSON.stringify(protocolName)}, valid: ${Object.keys(PROTOCOLS).join(', ')}.`);
  const tables = options.tables ?? [1, 2, 3, 4, 5, 'figure3'];
  const seeds = options.seeds ?? profile.seeds;
  const settings = { ...protocol, ...profile.overrides, ...(options.overrides ?? {}) };
  const cells = new Map<string, CellConfig & { cellId: string }>();
  for (const t of tables) {
    for (const paperCell of paperCells(t)) {
      const { dataset, model, loss, ablation } = canonicalCell(paperCell);
      const ds = dataset === 'brats' ? profile.brats : profile.picai;
      const datasetName = dataset === 'picai' && options.picaiLabels && ds.name === 'phantom-picai' ? 'picai-masks' : ds.name;
      for (let seed = 1; seed <= seeds; seed++) {
        const base: Omit<CellConfig, 'tables'> = {
          profile: profile.name,
          dataset: datasetName,
          model,
          spatialDims: profile.spatialDims,
          loss,
          ...(ablation ? { ablation } : {}),
          protocol: protocolName,
          seed,
          training: {
            epochs: settings.epochs,
            learningRate: settings.learningRate,
            momentum: settings.momentum,
            nesterov: settings.nesterov,
            weightDecay: settings.weightDecay,
            batchSize: 1,
            inputShape: profile.spatialDims === 3 ? ds.inputShape : ds.inputShape.slice(1),
            outChannels: settings.outChannels,
            augment: settings.augment,
            ...(profile.outputPrior !== undefined ? { outputPrior: profile.outputPrior } : {}),
            ...(profile.convergence ? { convergence: profile.convergence } : {}),
          },
        };
        const cellId = cellIdOf(base);
        const existing = cells.get(cellId);
        if (existing) {
          if (!existing.tables.includes(t)) existing.tables.push(t);
        } else cells.set(cellId, { ...base, tables: [t], cellId });
      }
    }
  }
  return [...cells.values()];
}
