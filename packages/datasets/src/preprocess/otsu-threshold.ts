/**
 * Otsu's threshold of `values` (those passing `include`), with `bins` histogram bins between min and max (ITK
 * `OtsuThresholdImageFilter` uses 128 by default; the N4 reference used 200). Returns the upper edge of the bin that
 * maximises the between-class variance; voxels above it are foreground.
 */
export function otsuThreshold(values: ArrayLike<number>, bins = 200, include?: (i: number) => boolean): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (include && !include(i)) continue;
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return lo;
  const h = new Float64Array(bins);
  const w = (hi - lo) / bins;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (include && !include(i)) continue;
    h[Math.min(bins - 1, Math.floor((values[i] - lo) / w))]++;
    total++;
  }
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * h[b];
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let bestBin = 0;
  for (let b = 0; b < bins - 1; b++) {
    w0 += h[b];
    sum0 += b * h[b];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0;
    const m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) ** 2;
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  return lo + (bestBin + 1) * w;
}
