/** Volume and smoothness statistics of a binary mask (A-FL eqs. 2 and 5), computed on the host in float64. */
export interface MaskShapeStats {
  /** Number of non-zero voxels. */
  foreground: number;
  /** Total voxels N. */
  total: number;
  /** Eq. 2: `Pfg / N`. */
  gammaVa: number;
  /** Eq. 5: mean over all N voxels of `sqrt(sum over axes of g^2)`, g = numpy.gradient of the 0/1 mask, unit spacing. */
  gammaMSa: number;
}

/**
 * `gammaVa` and `gammaMSa` of a binary mask (any non-zero value counts as foreground), as the paper's section 3.2
 * defines them: numpy.gradient semantics per axis (central `(m[i+1] - m[i-1]) / 2` inside, one-sided differences at
 * both borders, 0 along an axis of length 1), unit spacing, averaged over all N voxels.
 *
 * A plain-JS twin of `@afl/core`'s `adaptiveParameters`, used to calibrate the phantom lesions without tensors.
 *
 * @param mask C-order voxels of shape `dims` (e.g. `[D, H, W]`).
 * @example
 * ```ts
 * // 4x4x4 with a 2x2x2 cube at [1:3, 1:3, 1:3]
 * maskShapeStats(m, [4, 4, 4]); // { gammaVa: 0.125, gammaMSa: 0.48325317547305484, ... }
 * ```
 */
export function maskShapeStats(mask: ArrayLike<number>, dims: readonly number[]): MaskShapeStats {
  const total = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1) || mask.length !== total) {
    throw new Error(`Error in maskShapeStats: mask of length ${mask.length} does not match dims [${dims.join(', ')}].`);
  }
  const m = new Uint8Array(total);
  let foreground = 0;
  for (let i = 0; i < total; i++) {
    if (mask[i] !== 0) {
      m[i] = 1;
      foreground++;
    }
  }
  const sq = new Float64Array(total);
  let stride = 1;
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    const n = dims[axis];
    if (n > 1) {
      const outer = total / (n * stride);
      for (let o = 0; o < outer; o++) {
        for (let s = 0; s < stride; s++) {
          const base = o * n * stride + s;
          // borders: one-sided
          let g = m[base + stride] - m[base];
          sq[base] += g * g;
          const last = base + (n - 1) * stride;
          g = m[last] - m[last - stride];
          sq[last] += g * g;
          for (let i = 1; i < n - 1; i++) {
            const p = base + i * stride;
            g = (m[p + stride] - m[p - stride]) / 2;
            if (g !== 0) sq[p] += g * g;
          }
        }
      }
    }
    stride *= n;
  }
  let sum = 0;
  for (let i = 0; i < total; i++) if (sq[i] !== 0) sum += Math.sqrt(sq[i]);
  return { foreground, total, gammaVa: foreground / total, gammaMSa: sum / total };
}
