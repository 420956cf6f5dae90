import { reportError } from './report-error';

/**
 * The q-quantile of already sorted values by linear interpolation between order statistics (Hyndman & Fan type 7,
 * numpy's default `method='linear'`): h = (n − 1) q, Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]).
 *
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw reportError('quantileSorted', `q must be a number in [0, 1], got ${String(q)}.`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
