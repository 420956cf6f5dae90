import { createDataset, splitIds, type Dataset } from '../dataset';
import { normalizeChannels, type NormalizeMode } from '../preprocess/normalize-intensity';
import { deriveSeed } from '../random';
import { BRAIN_CHANNELS, generateBrainPhantom, type BrainPhantomOptions } from './brain-phantom';
import type { LesionParameterRanges } from './lesion-parameters';
import { generateProstatePhantom, PROSTATE_CHANNELS, type ProstatePhantomOptions } from './prostate-phantom';

/** Options of {@link createPhantomDataset}. */
export interface PhantomDatasetOptions {
  /** `'prostate'` (default; 3 channels t2w/adc/hbv, lesion mask) or `'brain'` (4 channels, whole-tumour mask). */
  kind?: 'prostate' | 'brain';
  /** Number of cases. Default 220 (prostate, the paper's PI-CAI positives) / 484 (brain, BraTS 2018 labelled). */
  cases?: number;
  /** `[D, H, W]`; default `[24, 160, 128]` (prostate) / `[64, 96, 96]` (brain). */
  shape?: readonly number[];
  /** Dataset seed: case contents and splits. Default 0. */
  seed?: number;
  /** Validation and test sizes, counts or fractions. Default `{ val: 0.15, test: 0.15 }`; the rest is train. */
  split?: { val: number; test?: number };
  /** Per-channel intensity normalisation after generation. Default `'paper'` (min-max then z-score). */
  normalize?: NormalizeMode;
  /** Prostate lesion size / irregularity distribution. */
  lesionRanges?: Partial<LesionParameterRanges>;
  /** Prostate lesion contrast range (see {@link ProstatePhantomOptions.lesionContrast}). */
  lesionContrast?: readonly [number, number];
  /** Prostate field of view in mm `[D, H, W]` (default the paper's gland crop, `[57.6, 85, 96]`). */
  fovMm?: readonly number[];
  /** Brain tumour options (radius and irregularity ranges). */
  brain?: Pick<BrainPhantomOptions, 'tumourRadiusMm' | 'irregularityRange' | 'fovMm'>;
  /** Cases kept in memory. Default 32. */
  cacheSize?: number;
}

/**
 * The built-in phantom dataset (no download): procedural prostate bpMRI or brain MRI cases generated on demand,
 * seeded per case (`deriveSeed(seed, kind, index)`), so the same options give the same bytes on every machine.
 * Case ids are `phantom-<kind>-<index>` (4 digits).
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * const ds = createPhantomDataset({ kind: 'prostate', cases: 20, seed: 1 });
 * for await (const b of ds.split('train').batches({ batchSize: 1, shuffle: true, seed: 0, augment: true })) {
 *   console.log(b.caseId, b.image.shape, b.mask.shape); // [1, 24, 160, 128, 3] [1, 24, 160, 128, 1]
 *   b.image.dispose(); b.mask.dispose();
 * }
 * ```
 */
export function createPhantomDataset(options: PhantomDatasetOptions = {}): Dataset {
  const fn = 'createPhantomDataset';
  const kind = options.kind ?? 'prostate';
  if (kind !== 'prostate' && kind !== 'brain') throw new Error(`Error in ${fn}: kind must be 'prostate' or 'brain', got ${JSON.stringify(kind)}.`);
  const n = options.cases ?? (kind === 'prostate' ? 220 : 484);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Error in ${fn}: cases must be a positive integer, got ${n}.`);
  const seed = options.seed ?? 0;
  const normalize = options.normalize ?? 'paper';
  const ids = Array.from({ length: n }, (_, i) => `phantom-${kind}-${String(i).padStart(4, '0')}`);
  const channels = kind === 'prostate' ? [...PROSTATE_CHANNELS] : [...BRAIN_CHANNELS];
  return createDataset({
    name: `phantom-${kind}`,
    channels,
    caseIds: ids,
    splits: splitIds(ids, seed, options.split ?? { val: 0.15, test: 0.15 }),
    cacheSize: options.cacheSize,
    loadCase: (id) => {
      const index = ids.indexOf(id);
      if (index < 0) throw new Error(`Error in ${fn}: unknown case ${JSON.stringify(id)}.`);
      const caseSeed = deriveSeed(seed, kind, index);
      const c =
        kind === 'prostate'
          ? generateProstatePhantom({ seed: caseSeed, id, shape: options.shape, lesionRanges: options.lesionRanges, lesionContrast: options.lesionContrast, fovMm: options.fovMm })
          : generateBrainPhantom({ seed: caseSeed, id, shape: options.shape, ...options.brain });
      normalizeChannels(c.image, c.channels.length, normalize);
      return c;
    },
  });
}
