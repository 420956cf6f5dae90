import * as fs from 'fs';
import * as path from 'path';
import { preprocessPicaiCase, type PipelineName } from '../preprocess/pipelines';
import type { N4Options } from '../preprocess/n4-bias-field';
import { defaultCacheDir } from './case-disk-cache';
import { createFileDataset, type CaseFiles, type FileDataset } from './file-dataset';
import { parseCsv } from './parse-csv';
import { loadOrCreateSplit, stratifiedSplit } from './stratified-split';

/** PI-CAI channel order. */
export const PICAI_CHANNELS = ['t2w', 'adc', 'hbv'] as const;

/** Where the PI-CAI public release lies. */
export interface PicaiLayout {
  /** Folder of `<pid>/<pid>_<sid>_{t2w,adc,hbv}.mha`, or of fold folders (`picai_public_images_fold0`, ...) holding them. */
  imagesDir: string;
  /** picai_labels root (`csPCa_lesion_delineations/`, `anatomical_delineations/`, `clinical_information/`). */
  labelsDir: string;
  /** Lesion label folder. Default `<labelsDir>/csPCa_lesion_delineations/human_expert/resampled`. */
  lesionDir?: string;
  /** Whole-gland folder. Default `<labelsDir>/anatomical_delineations/whole_gland/AI/Bosma22b`. */
  glandDir?: string;
  /** Marksheet. Default `<labelsDir>/clinical_information/marksheet.csv`. */
  marksheet?: string;
  /** Only csPCa-positive cases with a human-expert label (the paper's 220). Default true. */
  positivesOnly?: boolean;
}

function findStudyDirs(imagesDir: string): Map<string, string> {
  // patient folder name -> path; fold folders are searched one level down
  const out = new Map<string, string>();
  for (const e of fs.readdirSync(imagesDir, { withFileTypes: true })) {
    if (!e.isDirectory() && !e.isSymbolicLink()) continue;
    const p = path.join(imagesDir, e.name);
    if (/^\d+$/.test(e.name)) out.set(e.name, p);
    else if (fs.statSync(p).isDirectory()) for (const [k, v] of findStudyDirs(p)) out.set(k, v);
  }
  return out;
}

/**
 * Scans the PI-CAI public layout: one case per marksheet row `<patient_id>_<study_id>` (positives with a human-expert
 * lesion file by default), images `<pid>/<pid>_<sid>_{t2w,adc,hbv}.mha`, lesion label and whole-gland mask by case
 * name. Missing files are recorded in `missing` (the dataset skips such cases with that reason). Stratum: case ISUP.
 */
export function scanPicai(layout: PicaiLayout): CaseFiles[] {
  const lesionDir = layout.lesionDir ?? path.join(layout.labelsDir, 'csPCa_lesion_delineations/human_expert/resampled');
  const glandDir = layout.glandDir ?? path.join(layout.labelsDir, 'anatomical_delineations/whole_gland/AI/Bosma22b');
  const marksheet = layout.marksheet ?? path.join(layout.labelsDir, 'clinical_information/marksheet.csv');
  if (!fs.existsSync(marksheet)) throw new Error(`Error in scanPicai: marksheet not found, got ${marksheet}.`);
  const rows = parseCsv(fs.readFileSync(marksheet, 'utf8'));
  const studies = fs.existsSync(layout.imagesDir) ? findStudyDirs(layout.imagesDir) : new Map<string, string>();
  const cases: CaseFiles[] = [];
  for (const r of rows) {
    const id = `${r.patient_id}_${r.study_id}`;
    const label = path.join(lesionDir, `${id}.nii.gz`);
    if ((layout.positivesOnly ?? true) && (r.case_csPCa !== 'YES' || !fs.existsSync(label))) continue;
    const dir = studies.get(r.patient_id) ?? path.join(layout.imagesDir, r.patient_id);
    const channels = Object.fromEntries(PICAI_CHANNELS.map((c) => [c, path.join(dir, `${id}_${c}.mha`)]));
    const files = [...Object.values(channels), label, path.join(glandDir, `${id}.nii.gz`)];
    const missing = files.filter((f) => !fs.existsSync(f));
    cases.push({ id, channels, label, organ: path.join(glandDir, `${id}.nii.gz`), missing, stratum: `isup${r.case_ISUP || '?'}` });
  }
  return cases;
}

/**
 * Scans an nnU-Net raw task (`imagesTr/<case>_000{0,1,2}.nii.gz` = t2w, adc, hbv; `labelsTr/<case>.nii.gz`), with an
 * optional whole-gland folder (`<glandDir>/<case>.nii.gz`; without it the `'paper'` pipeline skips the gland crop).
 */
export function scanNnunetRaw(dir: string, options: { glandDir?: string; channels?: readonly string[] } = {}): CaseFiles[] {
  const names = options.channels ?? PICAI_CHANNELS;
  const imagesTr = path.join(dir, 'imagesTr');
  if (!fs.existsSync(imagesTr)) throw new Error(`Error in scanNnunetRaw: imagesTr not found, got ${imagesTr}.`);
  const ids = new Set<string>();
  for (const f of fs.readdirSync(imagesTr)) {
    const m = /^(.*)_(\d{4})\.nii(\.gz)?$/.exec(f);
    if (m && !f.startsWith('.')) ids.add(m[1]);
  }
  return [...ids].sort().map((id) => {
    const channels = Object.fromEntries(names.map((c, k) => [c, path.join(imagesTr, `${id}_${String(k).padStart(4, '0')}.nii.gz`)]));
    const label = path.join(dir, 'labelsTr', `${id}.nii.gz`);
    const organ = options.glandDir ? path.join(options.glandDir, `${id}.nii.gz`) : undefined;
    const missing = [...Object.values(channels), label, ...(organ ? [organ] : [])].filter((f) => !fs.existsSync(f));
    return { id, channels, label, organ, missing };
  });
}

function layoutFromRoot(root: string | undefined): PicaiLayout | { nnunetDir: string; glandDir?: string } {
  if (!root) throw new Error('Error in createPicaiDataset: pass layout or root, got neither.');
  if (fs.existsSync(path.join(root, 'imagesTr'))) return { nnunetDir: root };
  const labelsDir = fs.existsSync(path.join(root, 'picai_labels')) ? path.join(root, 'picai_labels') : root;
  return { imagesDir: root, labelsDir };
}

/** Options of {@link createPicaiDataset}. */
export interface PicaiDatasetOptions {
  /** The public layout, or `{ nnunetDir }` for an nnU-Net raw task. */
  layout?: PicaiLayout | { nnunetDir: string; glandDir?: string };
  /**
   * Shorthand for `layout`: a folder holding `picai_labels/` and the image folders (`<pid>/` folders, directly or in
   * fold folders), or an nnU-Net raw task (has `imagesTr/`).
   */
  root?: string;
  /** Final `[D, H, W]` (default: the pipeline's, 24 x 160 x 128 for the paper). */
  shape?: readonly number[];
  /** `'paper'` (default) or `'authors-code'`. */
  pipeline?: PipelineName;
  /** Split seed. Default 0. */
  seed?: number;
  /** Validation / test sizes (counts or fractions). Default `{ val: 40 }` (the paper's 180 / 40 of 220). */
  split?: { val: number; test?: number };
  /** Split JSON, written on first use and reused. Default `<cacheDir or tmpdir>/picai-split-seed<seed>.json`. */
  splitFile?: string;
  /** Disk cache directory (`false` = none). */
  cacheDir?: string | false;
  /** Channels N4 corrects in the paper pipeline. Default `['t2w']`. */
  n4Channels?: readonly string[];
  n4?: N4Options;
  log?(line: string): void;
}

/**
 * The PI-CAI dataset (paper: 220 csPCa-positive cases with human-expert lesions, 180 train / 40 val, ISUP >= 1 -> 1),
 * preprocessed with a named pipeline, cached on disk, and split with a seeded split stratified by case ISUP that is
 * written to JSON and reused.
 *
 * @example
 * ```ts
 * const ds = createPicaiDataset({ layout: { imagesDir: '/data/picai/images', labelsDir: '/data/picai_labels' } });
 * await ds.prepare(); // optional: preprocess everything now, one progress line per case
 * for await (const b of ds.split('train').batches({ shuffle: true, seed: epoch, augment: true })) { ... }
 * ```
 */
export function createPicaiDataset(options: PicaiDatasetOptions): FileDataset {
  const seed = options.seed ?? 0;
  const pipeline = options.pipeline ?? 'paper';
  const layout = options.layout ?? layoutFromRoot(options.root);
  const cases = 'nnunetDir' in layout ? scanNnunetRaw(layout.nnunetDir, { glandDir: layout.glandDir }) : scanPicai(layout);
  const ids = cases.map((c) => c.id);
  const stratum = new Map(cases.map((c) => [c.id, c.stratum ?? '']));
  const sizes = options.split ?? { val: Math.min(40, Math.round(ids.length * 0.2)) };
  const cacheRoot = options.cacheDir === false ? defaultCacheDir() : options.cacheDir ?? defaultCacheDir();
  const splitFile = options.splitFile ?? path.join(cacheRoot, `picai-split-seed${seed}.json`);
  const splits = loadOrCreateSplit(splitFile, ids, seed, () => stratifiedSplit(ids, (id) => stratum.get(id)!, seed, sizes));
  const n4Channels = options.n4Channels ?? ['t2w'];
  return createFileDataset({
    name: 'picai',
    channels: [...PICAI_CHANNELS],
    cases,
    splits,
    cacheDir: options.cacheDir,
    settings: { pipeline, n4Channels, n4: options.n4 ?? null, shape: options.shape ?? null, version: 1 },
    preprocess: (raw) => preprocessPicaiCase(raw, { pipeline, n4Channels, n4: options.n4, outputShape: options.shape }),
    log: options.log,
  });
}
