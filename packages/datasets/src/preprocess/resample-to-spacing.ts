import type { Volume } from '../volume';
import { applyAxisTaps, axisTaps, type AxisTaps } from './axis-taps';
import { rescaleAffine } from './resize';

/** Options of {@link resampleToSpacing}. */
export interface ResampleToSpacingOptions {
  /** `'linear'` (images, default) or `'nearest'` (masks; keeps the array type). */
  mode?: 'linear' | 'nearest';
}

/**
 * Resamples a 3-D volume to a new voxel spacing (mm, file order `[x, y, z]`; PI-CAI: `[0.5, 0.5, 3.0]`, i.e. the
 * paper's 3.0 x 0.5 x 0.5 mm written z-first), keeping the first voxel's centre and the orientation, as SimpleITK's
 * `Resample` with the output origin = input origin does. The new size per axis is `round(n * old / new)` (at least 1);
 * output voxel `i` samples input continuous index `i * new / old`, trilinear with edge clamping or nearest.
 * Axes whose spacing already matches (to 1e-6 relative) are copied untouched.
 */
export function resampleToSpacing(volume: Volume, spacing: readonly number[], options: ResampleToSpacingOptions = {}): Volume {
  const mode = options.mode ?? 'linear';
  if (volume.shape.length !== 3 || spacing.length !== 3 || spacing.some((s) => !(s > 0))) {
    throw new Error(
      `Error in resampleToSpacing: expected a 3-D volume and 3 positive spacings, got shape [${volume.shape.join(', ')}] and spacing [${spacing.join(', ')}].`,
    );
  }
  if (mode !== 'linear' && mode !== 'nearest') {
    throw new Error(`Error in resampleToSpacing: mode must be 'linear' or 'nearest', got ${JSON.stringify(mode)}.`);
  }
  const taps: (AxisTaps | undefined)[] = [undefined, undefined, undefined]; // C order [z, y, x]
  const step = [1, 1, 1];
  const shape = volume.shape.slice(0, 3);
  for (let a = 0; a < 3; a++) {
    const old = volume.spacing[a];
    if (Math.abs(old - spacing[a]) <= 1e-6 * old) continue;
    const n = volume.shape[a];
    const m = Math.max(1, Math.round((n * old) / spacing[a]));
    step[a] = spacing[a] / old;
    shape[a] = m;
    taps[2 - a] = axisTaps(n, m, step[a], 0, mode);
  }
  const { data } = applyAxisTaps(volume.data, [volume.shape[2], volume.shape[1], volume.shape[0]], taps, mode === 'nearest');
  return {
    data,
    shape,
    spacing: volume.spacing.slice(0, 3).map((s, a) => (taps[2 - a] ? spacing[a] : s)),
    affine: rescaleAffine(volume.affine, step, [0, 0, 0]),
    dtype: mode === 'nearest' ? volume.dtype : 'float32',
    source: volume.source,
  };
}
