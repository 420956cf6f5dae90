import { createHash } from 'node:crypto';
import { PROTOCOLS, type ProtocolSpec } from './paper/protocols';
import type {
  AblationFlags,
  CellConfig,
  DatasetName,
  LossName,
  ModelName,
  ProfileName,
  ProtocolName,
} from './results/result-schema';

export { PROTOCOLS } from './paper/protocols';
export type { ProtocolSpec } from './paper/protocols';

/** Dataset sizes and network input of one dataset in a profile. */
export interface ProfileDataset {
  name: DatasetName;
  /** Network input, `[D, H, W]`. */
  inputShape: number[];
  cases: { train: number; val: number; test: number };
}

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
  quick: {
    name: 'quick',
    description: 'The built-in phantom datasets, small 3-D models, a few epochs: every table and the figure on a 2-core laptop CPU.',
    picai: { name: 'phantom-picai', inputShape: [8, 32, 32], cases: { train: 10, val: 6, test: 4 } },
    brats: { name: 'phantom-brats', inputShape: [8, 32, 32], cases: { train: 10, val: 6, test: 4 } },
    spatialDims: 3,
    modelSize: { baseChannels: 4, levels: 3 },
    seeds: 1,
    // 120 steps instead of the paper's 54,000 (180 cases x 300 epochs): a large learning rate makes them count.
    overrides: { epochs: 12, learningRate: 0.5 },
  },
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

const ALL_ON: AblationFlags = { useAlphaVa: true, useGammaVa: true, useGammaMSa: true };

/** Table 5's rows, as `tables.json` gives them (the first row is FL with alpha 0.25, gamma 2). */
export const TABLE5_ROWS: AblationFlags[] = [
  { useAlphaVa: false, useGammaVa: false, useGammaMSa: false },
  { useAlphaVa: true, useGammaVa: false, useGammaMSa: false },
  { useAlphaVa: true, useGammaVa: true, useGammaMSa: false },
  { useAlphaVa: true, useGammaVa: false, useGammaMSa: true },
  ALL_ON,
  { useAlphaVa: false, useGammaVa: true, useGammaMSa: true },
];

export const TABLE3_LOSSES: LossName[] = ['tversky', 'ce', 'iou', 'dice', 'dice-ce', 'dice-focal', 'afl'];
export const TABLE4_MODELS: ModelName[] = ['unet', 'attention-unet', 'regunet', 'r2unet', 'resnet50-unet'];

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
}

/** A stable id naming the cell: readable prefix + hash of the identifying fields. */
export function cellIdOf(c: Omit<CellConfig, 'tables'>): string {
  const key = JSON.stringify([c.profile, c.dataset, c.model, c.spatialDims, c.loss, c.ablation ?? null, c.protocol, c.seed, c.training]);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const flags = c.ablation ? `-${['A', 'V', 'S'].map((k, i) => (Object.values(c.ablation as AblationFlags)[i] ? k : '_')).join('')}` : '';
  return `${c.dataset}-${c.model}-${c.loss}${flags}-${c.protocol}-s${c.seed}-${hash}`;
}

/**
 * The cells of a grid: one per (dataset, model, loss, ablation, seed) that a requested table needs, deduplicated
 * (Table 5's FL row is Table 1's FL cell, its all-on row the A-FL cell), each listing the tables it feeds.
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
  const add = (table: TableId, ds: ProfileDataset, model: ModelName, loss: LossName, ablation?: AblationFlags) => {
    for (let seed = 1; seed <= seeds; seed++) {
      let l = loss;
      let a = ablation;
      if (l === 'afl' && a && !a.useAlphaVa && !a.useGammaVa && !a.useGammaMSa) {
        l = 'focal';
        a = undefined;
      }
      if (l === 'afl' && a && a.useAlphaVa && a.useGammaVa && a.useGammaMSa) a = undefined;
      const base: Omit<CellConfig, 'tables'> = {
        profile: profile.name,
        dataset: ds.name,
        model,
        spatialDims: profile.spatialDims,
        loss: l,
        ...(a ? { ablation: a } : {}),
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
        },
      };
      const cellId = cellIdOf(base);
      const existing = cells.get(cellId);
      if (existing) {
        if (!existing.tables.includes(table)) existing.tables.push(table);
      } else cells.set(cellId, { ...base, tables: [table], cellId });
    }
  };
  for (const t of tables) {
    if (t === 1 || t === 'figure3') for (const loss of ['focal', 'afl'] as const) add(t, profile.picai, 'resnet50-unet', loss);
    if (t === 2) for (const loss of ['focal', 'afl'] as const) add(t, profile.brats, 'resnet50-unet', loss);
    if (t === 3) for (const loss of TABLE3_LOSSES) add(t, profile.picai, 'resnet50-unet', loss);
    if (t === 4) for (const model of TABLE4_MODELS) for (const loss of ['focal', 'afl'] as const) add(t, profile.picai, model, loss);
    if (t === 5) for (const ds of [profile.picai, profile.brats]) for (const row of TABLE5_ROWS) add(t, ds, 'resnet50-unet', 'afl', row);
  }
  return [...cells.values()];
}
