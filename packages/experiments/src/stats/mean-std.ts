/** Mean and sample standard deviation of the finite values; NaN (e.g. the Dice of an empty mask) is skipped and counted. */
export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN for fewer than 2 values. */
  std: number;
  /** Values used (finite). */
  n: number;
  /** Values skipped because they were NaN or infinite. */
  nSkipped: number;
}

/**
 * Mean and sample standard deviation, skipping non-finite values.
 *
 * @example meanStd([1, 3, NaN]) // { mean: 2, std: 1.414…, n: 2, nSkipped: 1 }
 */
export function meanStd(values: ArrayLike<number>): MeanStd {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      n++;
      sum += v;
    }
  }
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, n, nSkipped: values.length - n };
}
