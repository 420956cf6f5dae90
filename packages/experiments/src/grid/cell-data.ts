import * as datasets from '@afl/datasets';
import type { ProfileSpec } from '../config';
import type { SplitDataset, TrainBatch, BatchOptions } from '../train/dataset-types';
import type { Cell, CellData } from './run-cell';

export interface DataFolders {
  picai?: string;
  brats?: string;
  /** A picai_labels root (public or shared layout), for `picai-masks` cells. */
  picaiLabels?: string;
}

type Dataset = datasets.Dataset;

/** Adapts an `@afl/datasets` dataset to the trainer's interface, in 3-D or axial-slice 2-D mode. */
export function toSplitDataset(ds: Dataset, spatialDims: 2 | 3): SplitDataset {
  return {
    split(name) {
      const part = ds.split(name);
      return {
        size: spatialDims === 3 ? part.size : undefined,
        batches(o: BatchOptions): AsyncIterable<TrainBatch> {
          if (spatialDims === 2) return part.batches({ ...o, mode: '2d' }) as AsyncIterable<TrainBatch>;
          return part.batches({ ...o, mode: '3d' }) as AsyncIterable<TrainBatch>;
        },
      };
    },
  };
}

/**
 * `picai-masks` at the profile's size: the first `train + val + test` masks of the root (sorted by case id; all of
 * them when there are fewer), split with the dataset seed 2022 as the phantom is, with the phantom's lesion contrast.
 */
async function picaiMasksData(cell: Cell, spec: ProfileSpec['picai'], folders: DataFolders): Promise<CellData> {
  if (!folders.picaiLabels) throw new Error(`Error in createCellData: cell ${cell.cellId} needs the picai_labels masks: pass --picai-labels DIR.`);
  const wanted = spec.cases.train + spec.cases.val + spec.cases.test;
  const lesionContrast = spec.phantom?.lesionContrast;
  const common = { root: folders.picaiLabels, shape: spec.inputShape, seed: 2022, margin: spec.glandMargin, ...(lesionContrast ? { lesionContrast } : {}) };
  const all = datasets.createPicaiMasksDataset(common);
  const ids = all.caseIds.slice(0, wanted);
  const scale = ids.length / wanted;
  const split = { val: Math.max(1, Math.round(spec.cases.val * scale)), test: Math.round(spec.cases.test * scale) };
  const ds = datasets.createPicaiMasksDataset({ ...common, cases: ids, split, cacheSize: ids.length });
  const c = await ds.getCase(ds.caseIds[0]);
  return { dataset: toSplitDataset(ds, cell.spatialDims), inChannels: ds.channels.length, spacing: cell.spatialDims === 3 ? c.spacing : c.spacing.slice(1), hasTest: split.test > 0 };
}

/**
 * The data of a cell: the built-in phantoms (`phantom-picai`: prostate, 3 channels; `phantom-brats`: brain, 4
 * channels) at the profile's size and case counts, seeded by the dataset (not the cell), so every cell of a grid
 * sees the same cases and splits.
 */
export async function createCellData(cell: Cell, profile: ProfileSpec, folders: DataFolders): Promise<CellData> {
  const isBrats = cell.dataset === 'brats' || cell.dataset === 'phantom-brats';
  const spec = isBrats ? profile.brats : profile.picai;
  if (cell.dataset === 'phantom-picai' || cell.dataset === 'phantom-brats') {
    const total = spec.cases.train + spec.cases.val + spec.cases.test;
    const ds = datasets.createPhantomDataset({
      ...spec.phantom,
      kind: isBrats ? 'brain' : 'prostate',
      cases: total,
      shape: spec.inputShape,
      seed: isBrats ? 2018 : 2022,
      split: { val: spec.cases.val, test: spec.cases.test },
      cacheSize: total,
    });
    const c = await ds.getCase(ds.caseIds[0]);
    return { dataset: toSplitDataset(ds, cell.spatialDims), inChannels: ds.channels.length, spacing: cell.spatialDims === 3 ? c.spacing : c.spacing.slice(1), hasTest: spec.cases.test > 0 };
  }
  if (cell.dataset === 'picai-masks') return picaiMasksData(cell, spec, folders);
  const folder = isBrats ? folders.brats : folders.picai;
  if (!folder) throw new Error(`Error in createCellData: cell ${cell.cellId} needs the ${cell.dataset} data: pass --${cell.dataset} DIR.`);
  const pipeline = cell.protocol === 'authors-code' ? 'authors-code' : 'paper';
  const ds = isBrats
    ? datasets.createBratsDataset({ root: folder, shape: spec.inputShape, pipeline, seed: 2018, split: { val: spec.cases.val, test: spec.cases.test } })
    : datasets.createPicaiDataset({ root: folder, shape: spec.inputShape, pipeline, seed: 2022, split: { val: spec.cases.val, test: spec.cases.test } });
  await ds.prepare();
  const c = await ds.getCase(ds.caseIds[0]);
  return {
    dataset: toSplitDataset(ds, cell.spatialDims),
    inChannels: ds.channels.length,
    spacing: cell.spatialDims === 3 ? c.spacing : c.spacing.slice(1),
    hasTest: ds.split('test').size > 0,
  };
}
