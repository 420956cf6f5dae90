import type { Rng } from '../random';

/**
 * Distribution of phantom lesion size and boundary irregularity. The defaults were calibrated so that the A-FL
 * parameters (gammaVa, gammaMSa) of the phantom lesion masks at 24 x 160 x 128 cover those of the 62 shared PI-CAI
 * human-expert lesions on the paper's 24 x 160 x 128 gland crop (see `scripts/phantom-calibration.js` and
 * `phantom-calibration.test.ts`).
 */
export interface LesionParameterRanges {
  /** Median lesion volume in mm^3 (log-normal). Default 900 (in the crop's voxels, ~0.95 mm^3 each). */
  medianVolumeMm3: number;
  /** Standard deviation of ln(volume). Default 1.4. */
  logVolumeSd: number;
  /** Volumes are clipped to this range (mm^3). Default [40, 60000]. */
  volumeRangeMm3: [number, number];
  /** Radial perturbation amplitude range (0 = smooth ellipsoid). Default [0.05, 0.6]. */
  irregularityRange: [number, number];
  /** Highest lobe degree of the perturbation range. Default [3, 7]. */
  maxDegreeRange: [number, number];
  /** Axis ratios of the underlying ellipsoid are drawn in this range. Default [0.6, 1.6]. */
  elongationRange: [number, number];
  /** Through-plane (z) flattening factor range, volume-preserving (lesions are delineated on few slices). Default [0.4, 1]. */
  flatteningRange: [number, number];
  /** Probability of a second (and, again with this probability, third) lesion. Default 0.12. */
  extraLesionProbability: number;
}

/** Defaults of {@link LesionParameterRanges}. */
export const DEFAULT_LESION_RANGES: LesionParameterRanges = {
  medianVolumeMm3: 900,
  logVolumeSd: 1.4,
  volumeRangeMm3: [40, 60000],
  irregularityRange: [0.05, 0.6],
  maxDegreeRange: [3, 7],
  elongationRange: [0.6, 1.6],
  flatteningRange: [0.4, 1],
  extraLesionProbability: 0.12,
};

/** The drawn parameters of one lesion. */
export interface LesionParameters {
  /** Volume of the unperturbed ellipsoid (mm^3). */
  volumeMm3: number;
  /** Radial perturbation amplitude. */
  irregularity: number;
  /** Highest lobe degree. */
  maxDegree: number;
  /** Axis ratios `[z, y, x]` (geometric mean 1). */
  elongation: [number, number, number];
}

/** Draws one lesion's parameters from `ranges`. */
export function sampleLesionParameters(rng: Rng, ranges: LesionParameterRanges = DEFAULT_LESION_RANGES): LesionParameters {
  const [vmin, vmax] = ranges.volumeRangeMm3;
  const v = Math.exp(Math.log(ranges.medianVolumeMm3) + ranges.logVolumeSd * rng.normal());
  const e = [0, 0, 0].map(() => rng.uniform(ranges.elongationRange[0], ranges.elongationRange[1]));
  const f = rng.uniform(ranges.flatteningRange[0], ranges.flatteningRange[1]);
  e[0] *= f;
  e[1] /= Math.sqrt(f);
  e[2] /= Math.sqrt(f);
  const g = Math.cbrt(e[0] * e[1] * e[2]);
  return {
    volumeMm3: Math.min(vmax, Math.max(vmin, v)),
    irregularity: rng.uniform(ranges.irregularityRange[0], ranges.irregularityRange[1]),
    maxDegree: ranges.maxDegreeRange[0] + rng.int(ranges.maxDegreeRange[1] - ranges.maxDegreeRange[0] + 1),
    elongation: [e[0] / g, e[1] / g, e[2] / g],
  };
}
