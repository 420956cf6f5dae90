import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDataset, splitIds, type Dataset } from '../dataset';
import { readVolume } from '../io/read-volume';
import { cropToMask } from '../preprocess/crop-to-mask';
import { normalizeChannels, type NormalizeMode } from '../preprocess/normalize-intensity';
import { volumesToCase } from '../preprocess/pipelines';
import { resampleToSpacing } from '../preprocess/resample-to-spacing';
import { resizeVolume } from '../preprocess/resize';
import { createRng, deriveSeed } from '../random';
import type { SegmentationCase } from '../segmentation-case';
import type { Volume } from '../volume';
import { checkLesionContrast } from './lesion-contrast';
import { PROSTATE_CHANNELS } from './prostate-phantom';
import { addRicianNoise, polynomialBiasField, smoothRandomField } from './smooth-field';

/** The two folder layouts of picai_labels masks that {@link createPicaiMasksDataset} reads. */
export const PICAI_MASKS_LAYOUTS = {
  /** The public DIAGNijmegen/picai_labels repository. */
  public: {
    lesionDir: 'csPCa_lesion_delineations/human_expert/resampled',
    glandDir: 'anatomical_delineations/whole_gland/AI/Bosma22b',
  },
  /** The project's shared test folder (`shared/data/picai-labels`). */
  shared: {
    lesionDir: 'lesion_human_expert_resampled',
    glandDir: 'whole_gland_AI_Bosma22b',
  },
} as const;

/** Options of {@link createPicaiMasksDataset}. */
export interface PicaiMasksDatasetOptions {
  /**
   * A picai_labels root: the public repository (`csPCa_lesion_delineations/human_expert/resampled/`,
   * `anatomical_delineations/whole_gland/AI/Bosma22b/`; also a folder holding `picai_labels/`) or the shared layout
   * (`lesion_human_expert_resampled/`, `whole_gland_AI_Bosma22b/`). Detected from the folders present.
   */
  root: string;
  /** Output `[D, H, W]`. Default `[24, 160, 128]` (the paper's crop). */
  shape?: readonly number[];
  /** Seed of the simulated intensities and of the split. Default 0. */
  seed?: number;
  /** Validation and test sizes, counts or fractions. Default `{ val: 0.15, test: 0.15 }`; the rest is train. */
  split?: { val: number; test?: number };
  /** Per-channel intensity normalisation after simulation. Default `'paper'` (min-max then z-score), as the phantom. */
  normalize?: NormalizeMode;
  /** Cases kept in memory. Default 32. */
  cacheSize?: number;
  /** Only these case ids (e.g. a subset for a quick run). Default: every lesion mask in the root. */
  cases?: readonly string[];
  /**
   * Margin around the gland box, voxels of the 0.5 x 0.5 x 3 mm grid per side (a number, or per file axis
   * `[x, y, z]`). Default 30, the paper's; smaller crops closer to the gland (more voxels on it at a small `shape`).
   */
  margin?: number | readonly number[];
  /**
   * Range of the per-case lesion contrast: 0 = the gland's intensities, 1 = the full lesion intensities (T2W/ADC dark,
   * HBV bright), above 1 = beyond them. Default `[0.55, 1]`, as the prostate phantom.
   */
  lesionContrast?: readonly [number, number];
}

/** Where one root keeps its masks. */
interface MasksLayout {
  name: keyof typeof PICAI_MASKS_LAYOUTS;
  lesionDir: string;
  glandDir: string;
}

const isDir = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Finds which layout `root` holds; throws naming the folders and both layouts when neither is there. */
export function detectPicaiMasksLayout(root: string): MasksLayout {
  const fn = 'createPicaiMasksDataset';
  const both = (r: string): MasksLayout[] =>
    (['public', 'shared'] as const).map((name) => ({
      name,
      lesionDir: path.join(r, PICAI_MASKS_LAYOUTS[name].lesionDir),
      glandDir: path.join(r, PICAI_MASKS_LAYOUTS[name].glandDir),
    }));
  const candidates = [...both(root), ...both(path.join(root, 'picai_labels')).filter((l) => l.name === 'public')];
  const full = candidates.find((l) => isDir(l.lesionDir) && isDir(l.glandDir));
  if (full) return full;
  const layouts =
    `public picai_labels (${PICAI_MASKS_LAYOUTS.public.lesionDir}/ and ${PICAI_MASKS_LAYOUTS.public.glandDir}/) ` +
    `or shared (${PICAI_MASKS_LAYOUTS.shared.lesionDir}/ and ${PICAI_MASKS_LAYOUTS.shared.glandDir}/)`;
  if (!isDir(root)) throw new Error(`Error in ${fn}: root ${JSON.stringify(root)} is not a folder; expected the ${layouts} layout.`);
  const half = candidates.find((l) => isDir(l.lesionDir));
  if (half) {
    throw new Error(`Error in ${fn}: root ${JSON.stringify(root)} has the lesion folder ${half.lesionDir} but not the whole-gland folder ${half.glandDir}; expected the ${layouts} layout.`);
  }
  throw new Error(
    `Error in ${fn}: root ${JSON.stringify(root)} has no lesion mask folder (${PICAI_MASKS_LAYOUTS.public.lesionDir}/ or ${PICAI_MASKS_LAYOUTS.shared.lesionDir}/); expected the ${layouts} layout.`,
  );
}

/**
 * The paper's PI-CAI geometry on a lesion label and its gland mask (the mask path of `preprocessPicaiCase`'s
 * `'paper'` pipeline): resample to 3.0 x 0.5 x 0.5 mm, resize to 30 x 256 x 256, crop to the gland box + 30 voxels,
 * resize to `dhw` (nearest throughout). Label values (ISUP grades) are kept. Throws when the grids differ.
 */
export function paperCropLabels(
  label: Volume,
  gland: Volume,
  dhw: readonly number[] = [24, 160, 128],
  margin: number | readonly number[] = 30,
): { label: Volume; gland: Volume } {
  const fn = 'paperCropLabels';
  const s3 = (v: Volume): Volume => (v.shape.length === 3 ? v : { ...v, shape: v.shape.slice(0, 3), spacing: v.spacing.slice(0, 3) });
  const l0 = s3(label);
  const g0 = s3(gland);
  const sameShape = l0.shape.join() === g0.shape.join();
  const sameAffine = l0.affine.every((row, r) => r > 2 || row.every((x, c) => Math.abs(x - g0.affine[r][c]) <= 1e-3 * Math.max(1, Math.abs(x))));
  if (!sameShape || !sameAffine) {
    throw new Error(
      `Error in ${fn}: the lesion mask and the gland mask are on different grids, got shape [${l0.shape.join(', ')}] vs [${g0.shape.join(', ')}]${sameShape ? ' (affines differ)' : ''} (mismatched geometry).`,
    );
  }
  const prep = (m: Volume): Volume => resizeVolume(resampleToSpacing(m, [0.5, 0.5, 3.0], { mode: 'nearest' }), [30, 256, 256], 'nearest');
  const [l, g] = cropToMask([prep(l0), prep(g0)], prep(g0), { margin }).volumes;
  return { label: resizeVolume(l, dhw, 'nearest'), gland: resizeVolume(g, dhw, 'nearest') };
}

// tissue intensities [t2w, adc, hbv], as the prostate phantom's (prostate-phantom.ts TISSUE)
const BACKGROUND = [0.35, 0.45, 0.2];
const TZ = [0.45, 0.55, 0.33];
const PZ = [0.75, 0.72, 0.28];
const LESION = [0.22, 0.22, 0.85];
const CHANNEL_BIAS = [1, 0.3, 0.7];

/** In-plane [1/4, 1/2, 1/4] smoothing of a 0/1 mask: partial-volume edges like the phantom's soft-edged shapes. */
function softEdges(mask: Uint8Array, dims: readonly number[]): Float32Array {
  const [D, H, W] = dims;
  const a = Float32Array.from(mask);
  const b = new Float32Array(a.length);
  for (let d = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      const row = (d * H + h) * W;
      for (let w = 0; w < W; w++) b[row + w] = 0.5 * a[row + w] + 0.25 * (a[row + Math.max(0, w - 1)] + a[row + Math.min(W - 1, w + 1)]);
    }
  }
  for (let d = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      const up = (d * H + Math.max(0, h - 1)) * W;
      const row = (d * H + h) * W;
      const down = (d * H + Math.min(H - 1, h + 1)) * W;
      for (let w = 0; w < W; w++) a[row + w] = 0.5 * b[row + w] + 0.25 * (b[up + w] + b[down + w]);
    }
  }
  return a;
}

/**
 * Simulated bpMRI channels (t2w, adc, hbv; raw, roughly 0 .. 1.2 as the prostate phantom) around a given lesion mask
 * and gland mask on a `[D, H, W]` grid: textured background, a gland mixing peripheral- and transition-zone
 * intensities through a smooth random field, the lesion dark on T2W and ADC and bright on HBV with a per-case contrast
 * drawn in `lesionContrast` (default [0.55, 1]) relative to the gland around it, a log-polynomial bias field per channel and Rician noise
 * (sigma drawn in [0.01, 0.04]). Same seed, same bytes. Returns the interleaved `[D, H, W, 3]` image and what was drawn.
 */
export function simulateBpmriAroundMasks(
  lesion: Uint8Array,
  gland: Uint8Array,
  dims: readonly number[],
  seed: number,
  lesionContrast?: readonly [number, number],
): { image: Float32Array; contrast: number; noise: number } {
  const [lo, hi] = checkLesionContrast('simulateBpmriAroundMasks', lesionContrast);
  const n = dims[0] * dims[1] * dims[2];
  const rng = createRng(deriveSeed(seed, 'picai-masks-anatomy'));
  const bgTexture = smoothRandomField(rng, dims, [3, 5, 5], 0.08);
  const zoneMix = smoothRandomField(rng, dims, [3, 4, 4], 1);
  const glandTexture = smoothRandomField(rng, dims, [4, 8, 8], 0.06);
  const contrast = rng.uniform(lo, hi);
  const noise = rng.uniform(0.01, 0.04);
  const g = softEdges(gland, dims);
  const l = softEdges(lesion, dims);
  const image = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const pz = 1 / (1 + Math.exp(-2 * zoneMix[i])); // share of peripheral-zone tissue, smooth in space
    for (let c = 0; c < 3; c++) {
      const bg = BACKGROUND[c] * (1 + bgTexture[i] * (c === 2 ? 0.5 : 1));
      const tissue = (pz * PZ[c] + (1 - pz) * TZ[c]) * (c < 2 ? 1 + glandTexture[i] : 1);
      const withGland = bg + g[i] * (tissue - bg);
      const lesionValue = tissue + contrast * (LESION[c] - tissue);
      image[i * 3 + c] = withGland + l[i] * (lesionValue - withGland);
    }
  }
  const noiseRng = createRng(deriveSeed(seed, 'picai-masks-noise'));
  for (let c = 0; c < 3; c++) {
    const field = polynomialBiasField(rng, dims, 0.2 * CHANNEL_BIAS[c]);
    for (let i = 0; i < n; i++) image[i * 3 + c] *= field[i];
    addRicianNoise(image, noise, noiseRng, 3, c);
  }
  return { image, contrast, noise };
}

/**
 * A dataset of **real** PI-CAI lesion shapes: the human-expert csPCa lesion masks and the AI whole-gland masks
 * (Bosma22b) of picai_labels, cropped as the paper's PI-CAI pipeline does ({@link paperCropLabels}), with simulated
 * T2W / ADC / HBV channels around them ({@link simulateBpmriAroundMasks}, the prostate phantom's value ranges, then
 * `normalize`). Case ids are the PI-CAI case ids (`<patient>_<study>`); every lesion mask file is a case (negatives
 * give an empty mask). A lesion mask without its gland mask, or with a gland on another grid, is skipped with the
 * reason (`dataset.skipped`). `labels` keeps the ISUP grades, `organ` the gland, `meta` the drawn contrast and noise
 * and the lesion volume in mm3 before and after the crop. Intensities are seeded per case
 * (`deriveSeed(seed, 'picai-masks', id)`): same options, same bytes.
 *
 * @example
 * ```ts
 * const ds = createPicaiMasksDataset({ root: 'picai_labels', seed: 1 });
 * const c = await ds.getCase(ds.caseIds[0]); // c.shape [24, 160, 128], c.image [D, H, W, 3], c.mask 0/1
 * ```
 */
export function createPicaiMasksDataset(options: PicaiMasksDatasetOptions): Dataset {
  const fn = 'createPicaiMasksDataset';
  if (!options || typeof options.root !== 'string') throw new Error(`Error in ${fn}: options.root must be a folder path, got ${JSON.stringify(options?.root)}.`);
  const dhw = options.shape ?? [24, 160, 128];
  if (dhw.length !== 3 || dhw.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`Error in ${fn}: shape must be 3 positive integers [D, H, W], got [${dhw.join(', ')}].`);
  const seed = options.seed ?? 0;
  const normalize = options.normalize ?? 'paper';
  const lesionContrast = checkLesionContrast(fn, options.lesionContrast);
  const layout = detectPicaiMasksLayout(options.root);
  const ext = /\.nii(\.gz)?$/;
  const files = new Map<string, string>();
  for (const f of fs.readdirSync(layout.lesionDir).sort()) if (ext.test(f)) files.set(f.replace(ext, ''), f);
  let ids = [...files.keys()];
  if (options.cases) {
    const unknown = options.cases.filter((id) => !files.has(id));
    if (unknown.length > 0) throw new Error(`Error in ${fn}: cases not in ${layout.lesionDir}: ${unknown.join(', ')}.`);
    ids = ids.filter((id) => options.cases!.includes(id));
  }
  if (ids.length === 0) throw new Error(`Error in ${fn}: no .nii/.nii.gz lesion masks in ${layout.lesionDir}.`);
  return createDataset({
    name: 'picai-masks',
    channels: [...PROSTATE_CHANNELS],
    caseIds: ids,
    splits: splitIds(ids, seed, options.split ?? { val: 0.15, test: 0.15 }),
    cacheSize: options.cacheSize,
    loadCase: async (id): Promise<SegmentationCase> => {
      const file = files.get(id);
      if (!file) throw new Error(`Error in ${fn}: unknown case ${JSON.stringify(id)}.`);
      const glandFile = [file, `${id}.nii.gz`, `${id}.nii`].map((f) => path.join(layout.glandDir, f)).find((p) => fs.existsSync(p));
      if (!glandFile) throw new Error(`Error in ${fn}: case ${id} has a lesion mask but no whole-gland mask ${path.join(layout.glandDir, `${id}.nii.gz`)}.`);
      const [lesionVol, glandVol] = await Promise.all([readVolume(path.join(layout.lesionDir, file)), readVolume(glandFile)]);
      const cropped = paperCropLabels(lesionVol, glandVol, dhw, options.margin ?? 30);
      const c = volumesToCase(id, [...PROSTATE_CHANNELS], [cropped.gland, cropped.gland, cropped.gland], cropped.label, cropped.gland);
      const sim = simulateBpmriAroundMasks(c.mask, c.organ!, c.shape, deriveSeed(seed, 'picai-masks', id), lesionContrast);
      normalizeChannels(sim.image, 3, normalize);
      const voxelMm3 = (v: Volume): number => v.spacing[0] * v.spacing[1] * v.spacing[2];
      const count = (d: ArrayLike<number>): number => {
        let k = 0;
        for (let i = 0; i < d.length; i++) if (d[i] !== 0) k++;
        return k;
      };
      return {
        ...c,
        image: sim.image,
        meta: {
          kind: 'picai-masks',
          layout: layout.name,
          lesionFile: path.join(layout.lesionDir, file),
          glandFile,
          sourceShape: lesionVol.shape.slice(0, 3),
          sourceSpacing: lesionVol.spacing.slice(0, 3),
          lesionMm3: count(lesionVol.data) * voxelMm3(lesionVol),
          croppedLesionMm3: count(c.mask) * voxelMm3(cropped.label),
          contrast: sim.contrast,
          noise: sim.noise,
        },
      };
    },
  });
}
