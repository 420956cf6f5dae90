import { labelComponents26 } from '@afl/core';
import type { Volume } from '@afl/datasets';

/** The lesions of a predicted mask: 26-connected components, largest first. */
export interface LesionSummary {
  count: number;
  /** Total lesion volume in mm³. */
  volumeMm3: number;
  /** Volume of the largest lesion in mm³ (0 without lesions). */
  largestMm3: number;
  lesions: { voxels: number; volumeMm3: number }[];
}

/** Volume of one voxel in mm³: |det| of the affine's 3 x 3 part. */
export function voxelVolumeMm3(affine: number[][]): number {
  const [a, b, c] = affine;
  return Math.abs(a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]));
}

/** Counts the 26-connected lesions of a binary 3-D mask volume and measures them in mm³. */
export function summarizeLesions(mask: Volume): LesionSummary {
  const [nx, ny, nz] = mask.shape;
  const fg = mask.data instanceof Uint8Array ? mask.data : Uint8Array.from(mask.data as ArrayLike<number>, (v) => (v !== 0 ? 1 : 0));
  const { sizes } = labelComponents26(fg, [nz, ny, nx]);
  const voxel = voxelVolumeMm3(mask.affine);
  const lesions = sizes.map((voxels) => ({ voxels, volumeMm3: voxels * voxel })).sort((p, q) => q.voxels - p.voxels);
  return {
    count: lesions.length,
    volumeMm3: lesions.reduce((s, l) => s + l.volumeMm3, 0),
    largestMm3: lesions[0]?.volumeMm3 ?? 0,
    lesions,
  };
}
