import { initBackend } from '@afl/backend';
import type { BackendName } from '@afl/backend';
import { createModel } from '@afl/models';
import type { ProfileName } from '../results/result-schema';
import { PROFILES } from '../config';
import type { SplitDataset } from '../train/dataset-types';
import { createCellData } from './cell-data';
import { modelOptionsFor } from './model-options';
import type { Cell, CellEnvironment } from './run-cell';

export interface EnvironmentOptions {
  profile: ProfileName;
  backend?: BackendName;
  /** PI-CAI 2022 root folder (paper profile). */
  picai?: string;
  /** BraTS 2018 (or MSD Task01) root folder (paper profile). */
  brats?: string;
  /** picai_labels root for `picai-masks` cells (`--picai-labels`). */
  picaiLabels?: string;
  quiet?: boolean;
}

/**
 * Everything a grid needs besides its cells: the TF.js backend (through `@afl/backend`), a dataset per cell (the
 * built-in phantoms, or the real data folders) and the model factory (`@afl/models` at the profile's sizes).
 */
export async function createEnvironment(options: EnvironmentOptions): Promise<Omit<CellEnvironment, 'outDir'> & { backend: string }> {
  const info = await initBackend({ backend: options.backend, quiet: options.quiet });
  const profile = PROFILES[options.profile];
  const cache = new Map<string, Promise<{ dataset: SplitDataset; inChannels: number; spacing?: number[]; hasTest: boolean }>>();
  return {
    // Recorded in every result: the native kernels change the floating-point details, so say whether they ran.
    backend: info.native?.enabled ? `${info.backend}+native` : info.backend,
    data: (cell: Cell) => {
      const key = `${cell.dataset}|${cell.spatialDims}|${cell.training.inputShape.join('x')}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = createCellData(cell, profile, { picai: options.picai, brats: options.brats, picaiLabels: options.picaiLabels });
        cache.set(key, entry);
      }
      return entry;
    },
    model: (cell: Cell, inChannels: number) => createModel(cell.model, modelOptionsFor(cell, inChannels, profile.modelSize)),
  };
}

