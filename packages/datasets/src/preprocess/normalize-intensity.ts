import type { Volume } from '../volume';

/** Intensity normalisation schemes. */
export type NormalizeMode =
  /** Paper section 4.2: min-max to [0, 1], then z-score over all voxels. */
  | 'paper'
  /** z-score over all voxels. */
  | 'zscore'
  /** The authors' code (MONAI `NormalizeIntensity(nonzero=True, channel_wise=True)`): z-score over non-zero voxels only, zeros stay 0. */
  | 'nonzero-zscore'
  /** min-max to [0, 1]. */
  | 'minmax'
  | 'none';

/** Normalisation modes, for option checks. */
export const NORMALIZE_MODES: readonly NormalizeMode[] = ['paper', 'zscore', 'nonzero-zscore', 'minmax', 'none'];

/**
 * Normalises one channel in place: `data[offset + k * stride]`. Statistics in float64; a constant channel maps to 0
 * (z-score) or 0 (min-max) instead of NaN. Note that min-max followed by z-score equals z-score up to rounding (z-score
 * is invariant to affine maps); `'paper'` still runs both steps as written.
 */
export function normalizeChannel(data: Float32Array, mode: NormalizeMode, stride = 1, offset = 0): void {
  if (!NORMALIZE_MODES.includes(mode)) {
    throw new Error(`Error in normalizeChannel: mode must be one of ${NORMALIZE_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}.`);
  }
  if (mode === 'none') return;
  if (mode === 'minmax' || mode === 'paper') {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = offset; i < data.length; i += stride) {
      const v = data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo;
    for (let i = offset; i < data.length; i += stride) data[i] = range > 0 ? (data[i] - lo) / range : 0;
    if (mode === 'minmax') return;
  }
  const nonzero = mode === 'nonzero-zscore';
  let n = 0;
  let sum = 0;
  for (let i = offset; i < data.length; i += stride) {
    const v = data[i];
    if (nonzero && v === 0) continue;
    n++;
    sum += v;
  }
  if (n === 0) return;
  const mean = sum / n;
  let ss = 0;
  for (let i = offset; i < data.length; i += stride) {
    const v = data[i];
    if (nonzero && v === 0) continue;
    ss += (v - mean) * (v - mean);
  }
  const sd = Math.sqrt(ss / n); // population std, as numpy / torch.std(unbiased=False) in MONAI
  for (let i = offset; i < data.length; i += stride) {
    const v = data[i];
    if (nonzero && v === 0) continue;
    data[i] = sd > 0 ? (v - mean) / sd : v - mean;
  }
}

/** Normalises every channel of a channels-last interleaved array with `channels` channels, in place. */
export function normalizeChannels(image: Float32Array, channels: number, mode: NormalizeMode): void {
  for (let c = 0; c < channels; c++) normalizeChannel(image, mode, channels, c);
}

/**
 * A normalised float32 copy of a volume (paper: `'paper'` = min-max then z-score; authors' code: `'nonzero-zscore'`).
 *
 * @example
 * ```ts
 * const t2 = normalizeIntensity(await readVolume('t2w.mha'), 'paper');
 * ```
 */
export function normalizeIntensity(volume: Volume, mode: NormalizeMode = 'paper'): Volume {
  const data = Float32Array.from(volume.data as ArrayLike<number>);
  normalizeChannel(data, mode);
  return { ...volume, data, dtype: 'float32' };
}
