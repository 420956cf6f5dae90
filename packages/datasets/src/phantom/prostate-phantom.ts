import { createRng, deriveSeed, type Rng } from '../random';
import type { SegmentationCase } from '../segmentation-case';
import { checkLesionContrast } from './lesion-contrast';
import { phantomGrid } from './phantom-grid';
import { paintEllipsoid, randomRadialTerms, type PerturbedEllipsoid } from './perturbed-ellipsoid';
import { DEFAULT_LESION_RANGES, sampleLesionParameters, type LesionParameterRanges, type LesionParameters } from './lesion-parameters';
import { addRicianNoise, polynomialBiasField, smoothRandomField } from './smooth-field';

/** Options of {@link generateProstatePhantom}. */
export interface ProstatePhantomOptions {
  /** Seed; the same seed and options give identical bytes. */
  seed: number;
  /** `[D, H, W]`, default `[24, 160, 128]` (the paper's crop). Any size works; anatomy scales with the field of view. */
  shape?: readonly number[];
  /** Field of view in mm `[D, H, W]`, default `[57.6, 85, 96]` (what the paper's gland crop covers). */
  fovMm?: readonly number[];
  /** Case id, default `phantom-prostate-<seed>`. */
  id?: string;
  /** Lesion size / irregularity distribution (partial overrides of {@link DEFAULT_LESION_RANGES}). */
  lesionRanges?: Partial<LesionParameterRanges>;
  /** Explicit lesions (replaces the random draw). */
  lesions?: LesionParameters[];
  /** Rician noise sigma relative to the tissue scale (~0.5); default drawn in [0.01, 0.04]. */
  noise?: number;
  /** Bias-field strength (std of the log-polynomial coefficients); default 0.2 (T2W; ADC 0.3x, HBV 0.7x). */
  bias?: number;
  /**
   * Range of each lesion's contrast, drawn uniformly: 0 = peripheral-zone intensities, 1 = the full lesion
   * intensities (T2W/ADC dark, HBV bright), above 1 = beyond them. Default `[0.55, 1]`.
   */
  lesionContrast?: readonly [number, number];
}

/** Channel order of the prostate phantom. */
export const PROSTATE_CHANNELS = ['t2w', 'adc', 'hbv'] as const;

// tissue intensities [t2w, adc, hbv]
const TISSUE = {
  background: [0.35, 0.45, 0.2],
  bladder: [0.95, 0.95, 0.1],
  rectum: [0.18, 0.3, 0.12],
  tz: [0.45, 0.55, 0.33],
  pz: [0.75, 0.72, 0.28],
  lesion: [0.22, 0.22, 0.85],
} as const;

const paint = paintEllipsoid;

function lesionShape(rng: Rng, p: LesionParameters, center: [number, number, number]): PerturbedEllipsoid {
  const r = Math.cbrt((3 * p.volumeMm3) / (4 * Math.PI));
  return {
    center,
    radii: [r * p.elongation[0], r * p.elongation[1], r * p.elongation[2]],
    amplitude: p.irregularity,
    terms: randomRadialTerms(rng, 3 + rng.int(4), 2, Math.max(2, p.maxDegree)),
  };
}

/**
 * A procedural bpMRI prostate volume with csPCa-like lesions: 3 channels with T2W / ADC / HBV-like contrasts (lesion
 * dark on T2W and ADC, bright on HBV; bright peripheral zone on T2W; bladder and rectum around the gland), a smooth
 * multiplicative bias field per channel, tissue texture and Rician noise. Lesions are perturbed ellipsoids (see
 * {@link PerturbedEllipsoid}) whose volume and irregularity follow {@link LesionParameterRanges}; they sit inside the
 * gland, mostly in the peripheral zone. `mask` is the union of lesions, `labels` the lesion index, `organ` the gland.
 *
 * Intensities are raw (roughly 0 .. 1.2, not normalised). A 24 x 160 x 128 case takes ~0.1 s.
 *
 * @example
 * ```ts
 * const c = generateProstatePhantom({ seed: 7 });
 * c.shape; // [24, 160, 128]; c.image is [D, H, W, 3] interleaved, c.mask [D, H, W] 0/1
 * ```
 */
export function generateProstatePhantom(options: ProstatePhantomOptions): SegmentationCase {
  const fn = 'generateProstatePhantom';
  const { dims, fov, spacing, n } = phantomGrid(fn, options.shape ?? [24, 160, 128], options.fovMm ?? [57.6, 85, 96], options.seed);
  const [D, H, W] = dims;
  const edge = Math.max(0.5, (spacing[1] + spacing[2]) / 2);
  const rng = createRng(deriveSeed(options.seed, 'prostate-anatomy'));
  const ranges = { ...DEFAULT_LESION_RANGES, ...options.lesionRanges };
  const contrastRange = checkLesionContrast(fn, options.lesionContrast);

  const image = new Float32Array(n * 3);
  const bgTexture = smoothRandomField(rng, dims, [3, 5, 5], 0.08);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) image[i * 3 + c] = TISSUE.background[c] * (1 + bgTexture[i] * (c === 2 ? 0.5 : 1));
  }

  // gland
  const cz = fov[0] / 2 + rng.uniform(-3, 3);
  const cy = fov[1] / 2 + rng.uniform(-3, 3);
  const cx = fov[2] / 2 + rng.uniform(-3, 3);
  const gland: PerturbedEllipsoid = {
    center: [cz, cy, cx],
    radii: [18 * rng.uniform(0.85, 1.15), 19 * rng.uniform(0.85, 1.1), 24 * rng.uniform(0.85, 1.1)],
    amplitude: rng.uniform(0.03, 0.1),
    terms: randomRadialTerms(rng, 3, 2, 3),
  };
  // anatomy around the gland (y grows posterior)
  const bladder: PerturbedEllipsoid = {
    center: [cz + gland.radii[0] + 12, cy - gland.radii[1] * 0.6, cx],
    radii: [22, 20, 28],
    amplitude: 0.05,
    terms: randomRadialTerms(rng, 2, 2, 3),
  };
  const rectum: PerturbedEllipsoid = {
    center: [cz, cy + gland.radii[1] + 10, cx + rng.uniform(-4, 4)],
    radii: [fov[0], 9, 13],
    amplitude: 0.08,
    terms: randomRadialTerms(rng, 2, 2, 4),
  };
  paint(image, bladder, dims, spacing, TISSUE.bladder, edge);
  paint(image, rectum, dims, spacing, TISSUE.rectum, edge);
  const organ = new Uint8Array(n);
  paint(image, gland, dims, spacing, TISSUE.pz, edge, (i) => (organ[i] = 1));
  const tz: PerturbedEllipsoid = {
    center: [cz, cy - gland.radii[1] * 0.25, cx],
    radii: [gland.radii[0] * 0.75, gland.radii[1] * 0.6, gland.radii[2] * 0.65],
    amplitude: 0.08,
    terms: randomRadialTerms(rng, 3, 2, 4),
  };
  const inTz = new Uint8Array(n);
  paint(image, tz, dims, spacing, TISSUE.tz, edge, (i) => (inTz[i] = 1));
  const glandTexture = smoothRandomField(rng, dims, [4, 8, 8], 0.06);
  for (let i = 0; i < n; i++) {
    if (organ[i]) for (let c = 0; c < 2; c++) image[i * 3 + c] *= 1 + glandTexture[i];
  }

  // lesions
  const lesionRng = createRng(deriveSeed(options.seed, 'prostate-lesions'));
  let params = options.lesions;
  if (!params) {
    params = [sampleLesionParameters(lesionRng, ranges)];
    while (params.length < 3 && lesionRng.bernoulli(ranges.extraLesionProbability)) params.push(sampleLesionParameters(lesionRng, ranges));
  }
  const mask = new Uint8Array(n);
  const labels = new Uint8Array(n);
  const lesionMeta: Record<string, unknown>[] = [];
  params.forEach((p, k) => {
    // centre inside the gland, preferring the peripheral zone (posterior / lateral)
    let center: [number, number, number] = [cz, cy, cx];
    for (let tries = 0; tries < 50; tries++) {
      const u = [lesionRng.uniform(-0.7, 0.7), lesionRng.uniform(-0.7, 0.7), lesionRng.uniform(-0.7, 0.7)];
      if (u[0] ** 2 + u[1] ** 2 + u[2] ** 2 > 0.5) continue;
      const posterior = u[1] > -0.1 || Math.abs(u[2]) > 0.45;
      if (!posterior && lesionRng.bernoulli(0.7)) continue;
      center = [cz + u[0] * gland.radii[0], cy + u[1] * gland.radii[1], cx + u[2] * gland.radii[2]];
      break;
    }
    const shape = lesionShape(lesionRng, p, center);
    const contrast = lesionRng.uniform(contrastRange[0], contrastRange[1]);
    const value = TISSUE.lesion.map((t, c) => TISSUE.pz[c] + contrast * (t - TISSUE.pz[c]));
    let painted = 0;
    paint(image, shape, dims, spacing, value, edge, (i) => {
      mask[i] = 1;
      labels[i] = k + 1;
      painted++;
    });
    if (painted === 0) {
      // a lesion smaller than a voxel still marks the voxel holding its centre (no empty masks)
      const at = center.map((c, a) => Math.min(dims[a] - 1, Math.max(0, Math.floor(c / spacing[a]))));
      const i = (at[0] * H + at[1]) * W + at[2];
      mask[i] = 1;
      labels[i] = k + 1;
      for (let c = 0; c < 3; c++) image[i * 3 + c] = value[c];
    }
    lesionMeta.push({ ...p, center, contrast });
  });

  // bias field, noise
  const biasStrength = options.bias ?? 0.2;
  const noise = options.noise ?? rng.uniform(0.01, 0.04);
  const noiseRng = createRng(deriveSeed(options.seed, 'prostate-noise'));
  const channelBias = [1, 0.3, 0.7];
  for (let c = 0; c < 3; c++) {
    if (biasStrength > 0) {
      const field = polynomialBiasField(rng, dims, biasStrength * channelBias[c]);
      for (let i = 0; i < n; i++) image[i * 3 + c] *= field[i];
    }
    addRicianNoise(image, noise, noiseRng, 3, c);
  }
  return {
    id: options.id ?? `phantom-prostate-${options.seed}`,
    shape: [D, H, W],
    spacing,
    channels: [...PROSTATE_CHANNELS],
    image,
    mask,
    labels,
    organ,
    meta: { kind: 'prostate', seed: options.seed, lesions: lesionMeta, noise, bias: biasStrength },
  };
}
