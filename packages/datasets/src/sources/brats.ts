import * as fs from 'fs';
import * as path from 'path';
import { preprocessBratsCase, type PipelineName } from '../preprocess/pipelines';
import { defaultCacheDir } from './case-disk-cache';
import { createFileDataset, type CaseFiles, type FileDataset } from './file-dataset';
import { loadOrCreateSplit, stratifiedSplit } from './stratified-split';

/** BraTS 2018 modalities, in channel order. */
export const BRATS_MODALITIES = ['t1', 't1ce', 't2', 'flair'] as const;
export type BratsModality = (typeof BRATS_MODALITIES)[number];

/** Binary BraTS tasks. */
export type BratsTask = 'wt' | 'tc' | 'et';

/** Label values of each task: BraTS 2018 (0/1/2/4) and MSD Task01 (0/1/2/3: oedema, non-enhancing, enhancing). */
export const BRATS_TASK_LABELS: Record<'brats2018' | 'msd', Record<BratsTask, number[]>> = {
  brats2018: { wt: [1, 2, 4], tc: [1, 4], et: [4] },
  msd: { wt: [1, 2, 3], tc: [2, 3], et: [3] },
};

/**
 * Scans the BraTS 2018 training layout `{HGG,LGG}/Brats18_*\/Brats18_*_{flair,t1,t1ce,t2,seg}.nii.gz` for the given
 * `modalities` (a subset works). Missing files go to `missing`. Stratum: grade (HGG / LGG).
 */
export function scanBrats2018(dir: string, modalities: readonly BratsModality[] = BRATS_MODALITIES): CaseFiles[] {
  const cases: CaseFiles[] = [];
  for (const grade of ['HGG', 'LGG']) {
    const g = path.join(dir, grade);
    if (!fs.existsSync(g)) continue;
    for (const id of fs.readdirSync(g).sort()) {
      const c = path.join(g, id);
      if (id.startsWith('.') || !fs.statSync(c).isDirectory()) continue;
      const channels = Object.fromEntries(modalities.map((m) => [m, path.join(c, `${id}_${m}.nii.gz`)]));
      const label = path.join(c, `${id}_seg.nii.gz`);
      const missing = [...Object.values(channels), label].filter((f) => !fs.existsSync(f));
      cases.push({ id, channels, label, missing, stratum: grade });
    }
  }
  if (cases.length === 0) throw new Error(`Error in scanBrats2018: no HGG/ or LGG/ case folders found, got ${dir}.`);
  return cases;
}

/** MSD Task01 channel order in the 4-D images. */
export const MSD_MODALITIES: readonly BratsModality[] = ['flair', 't1', 't1ce', 't2'];

/** Scans MSD Task01_BrainTumour: `imagesTr/BRATS_*.nii.gz` (4-D: FLAIR, T1w, T1gd, T2w) and `labelsTr/`. */
export function scanMsdTask01(dir: string, modalities: readonly BratsModality[] = BRATS_MODALITIES): CaseFiles[] {
  const imagesTr = path.join(dir, 'imagesTr');
  if (!fs.existsSync(imagesTr)) throw new Error(`Error in scanMsdTask01: imagesTr not found, got ${imagesTr}.`);
  return fs
    .readdirSync(imagesTr)
    .filter((f) => /^BRATS_\d+\.nii(\.gz)?$/.test(f))
    .sort()
    .map((f) => {
      const id = f.replace(/\.nii(\.gz)?$/, '');
      const file = path.join(imagesTr, f);
      const channels = Object.fromEntries(modalities.map((m) => [m, { file, index: MSD_MODALITIES.indexOf(m) }]));
      const label = path.join(dir, 'labelsTr', f);
      return { id, channels, label, missing: [label].filter((p) => !fs.existsSync(p)) };
    });
}

/** Options of {@link createBratsDataset}. */
export interface BratsDatasetOptions {
  /** Dataset root. */
  dir?: string;
  /** Alias of `dir`. */
  root?: string;
  /** Final `[D, H, W]` (default: the pipeline's, 155 x 224 x 224 for the paper). */
  shape?: readonly number[];
  /** `'brats2018'` or `'msd'` (Task01_BrainTumour). Default: `'msd'` when `<dir>/imagesTr` exists, else `'brats2018'`. */
  layout?: 'brats2018' | 'msd';
  /** Modalities to load (channel order). Default all four. */
  modalities?: readonly BratsModality[];
  /** Binary task. Default `'wt'` (whole tumour, as the paper). */
  task?: BratsTask;
  pipeline?: PipelineName;
  seed?: number;
  /** Default `{ val: 100 }` (the paper's 384 / 100 of 484). */
  split?: { val: number; test?: number };
  splitFile?: string;
  cacheDir?: string | false;
  log?(line: string): void;
}

/** The BraTS dataset: 2018 or MSD layout, modality subset, WT / TC / ET task, named pipeline, disk cache, stable split. */
export function createBratsDataset(options: BratsDatasetOptions): FileDataset {
  const dir = options.dir ?? options.root;
  if (!dir) throw new Error('Error in createBratsDataset: pass dir (or root), got neither.');
  const layout = options.layout ?? (fs.existsSync(path.join(dir, 'imagesTr')) ? 'msd' : 'brats2018');
  const modalities = options.modalities ?? BRATS_MODALITIES;
  const bad = modalities.find((m) => !BRATS_MODALITIES.includes(m));
  if (bad) throw new Error(`Error in createBratsDataset: modalities must be among t1, t1ce, t2, flair, got ${JSON.stringify(bad)}.`);
  const task = options.task ?? 'wt';
  const foreground = BRATS_TASK_LABELS[layout][task];
  const seed = options.seed ?? 0;
  const pipeline = options.pipeline ?? 'paper';
  const cases = layout === 'msd' ? scanMsdTask01(dir, modalities) : scanBrats2018(dir, modalities);
  const ids = cases.map((c) => c.id);
  const stratum = new Map(cases.map((c) => [c.id, c.stratum ?? '']));
  const sizes = options.split ?? { val: Math.min(100, Math.round(ids.length * 0.2)) };
  const root = options.cacheDir === false ? defaultCacheDir() : options.cacheDir ?? defaultCacheDir();
  const splits = loadOrCreateSplit(options.splitFile ?? path.join(root, `brats-${layout}-split-seed${seed}.json`), ids, seed, () =>
    stratifiedSplit(ids, (id) => stratum.get(id)!, seed, sizes),
  );
  return createFileDataset({
    name: `brats-${layout}`,
    channels: [...modalities],
    cases,
    splits,
    cacheDir: options.cacheDir,
    settings: { pipeline, foreground, shape: options.shape ?? null, version: 1 },
    preprocess: (raw) => preprocessBratsCase(raw, { pipeline, foreground, outputShape: options.shape }),
    log: options.log,
  });
}
