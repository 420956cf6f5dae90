import { createHash } from 'node:crypto';
import { PROTOCOLS, type ProtocolSpec } from './paper/protocols';
import { canonicalCell, paperCells } from './paper/tables';
import type { AblationFlags, CellConfig, DatasetName, ProfileName, ProtocolName } from './results/result-schema';

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
      for (let seed = 1; seed <= seeds; seed++) {
        const base: Omit<CellConfig, 'tables'> = {
          profile: profile.name,
          dataset: ds.name,
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
