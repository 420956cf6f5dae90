/** The simulated lesion contrast range of the prostate phantom and `picai-masks` when none is given. */
export const DEFAULT_LESION_CONTRAST: readonly [number, number] = [0.55, 1];

/** Returns `range` (default {@link DEFAULT_LESION_CONTRAST}); throws, naming `fn`, unless it is `[lo, hi]` with 0 <= lo <= hi. */
export function checkLesionContrast(fn: string, range: readonly number[] | undefined): readonly [number, number] {
  const r = range ?? DEFAULT_LESION_CONTRAST;
  if (!(r.length === 2 && r[0] >= 0 && r[1] >= r[0])) {
    throw new Error(`Error in ${fn}: lesionContrast must be [lo, hi] with 0 <= lo <= hi, got ${JSON.stringify(r)}.`);
  }
  return [r[0], r[1]];
}
