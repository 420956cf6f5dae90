/** The voxel grid of a phantom: its size `[D, H, W]`, field of view and voxel spacing in mm. */
export interface PhantomGrid {
  dims: [number, number, number];
  fov: [number, number, number];
  spacing: [number, number, number];
  /** Number of voxels. */
  n: number;
}

/** Checks a phantom's `shape`, `fovMm` and `seed`, naming `fn` in the error, and derives the spacing. */
export function phantomGrid(fn: string, shape: readonly number[], fovMm: readonly number[], seed: number): PhantomGrid {
  const dims = shape.slice();
  const fov = fovMm.slice();
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1) || fov.length !== 3 || fov.some((f) => !(f > 0))) {
    throw new Error(`Error in ${fn}: shape must be 3 positive integers and fovMm 3 positive numbers, got shape [${dims.join(', ')}], fovMm [${fov.join(', ')}].`);
  }
  if (!Number.isFinite(seed)) throw new Error(`Error in ${fn}: seed must be a finite number, got ${seed}.`);
  const spacing = fov.map((f, a) => f / dims[a]) as [number, number, number];
  return { dims: dims as [number, number, number], fov: fov as [number, number, number], spacing, n: dims[0] * dims[1] * dims[2] };
}
