import type { Volume, VolumeData } from '../volume';
import { rescaleAffine } from './resize';

/** An axis-aligned box in voxel indices, file order (`[x, y, z]`), `start` inclusive, `end` exclusive. */
export interface VoxelBox {
  start: number[];
  end: number[];
}

/** Bounding box of the non-zero voxels of a 3-D mask (file order), or `undefined` when the mask is empty. */
export function maskBoundingBox(mask: Pick<Volume, 'data' | 'shape'>): VoxelBox | undefined {
  const [nx, ny, nz] = mask.shape;
  const start = [nx, ny, nz];
  const end = [0, 0, 0];
  const d = mask.data;
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (d[i] !== 0) {
          if (x < start[0]) start[0] = x;
          if (x >= end[0]) end[0] = x + 1;
          if (y < start[1]) start[1] = y;
          if (y >= end[1]) end[1] = y + 1;
          if (z < start[2]) start[2] = z;
          if (z >= end[2]) end[2] = z + 1;
        }
      }
    }
  }
  return end[0] === 0 ? undefined : { start, end };
}

/**
 * Grows `box` by `margin` voxels per side (a number, or per file axis `[x, y, z]`) and clips it to `shape`.
 * The paper extends the whole-gland box by 30 pixels in each direction.
 */
export function expandBox(box: VoxelBox, margin: number | readonly number[], shape: readonly number[]): VoxelBox {
  const m = typeof margin === 'number' ? [margin, margin, margin] : margin;
  return {
    start: box.start.map((s, a) => Math.max(0, s - m[a])),
    end: box.end.map((e, a) => Math.min(shape[a], e + m[a])),
  };
}

/** Extracts `box` from a 3-D volume (same array type), with the affine moved to the box origin. */
export function cropVolume(volume: Volume, box: VoxelBox): Volume {
  const [nx, ny] = volume.shape;
  const size = box.end.map((e, a) => e - box.start[a]);
  if (size.some((s, a) => s < 1 || box.start[a] < 0 || box.end[a] > volume.shape[a])) {
    throw new Error(
      `Error in cropVolume: box [${box.start.join(', ')}] .. [${box.end.join(', ')}] must be non-empty and inside shape [${volume.shape.join(', ')}].`,
    );
  }
  const out = new (volume.data.constructor as new (n: number) => VolumeData)(size[0] * size[1] * size[2]);
  let o = 0;
  for (let z = box.start[2]; z < box.end[2]; z++) {
    for (let y = box.start[1]; y < box.end[1]; y++) {
      const row = box.start[0] + nx * (y + ny * z);
      out.set(volume.data.subarray(row, row + size[0]), o);
      o += size[0];
    }
  }
  return { ...volume, data: out, shape: size, affine: rescaleAffine(volume.affine, [1, 1, 1], box.start) };
}

/** Options of {@link cropToMask}. */
export interface CropToMaskOptions {
  /** Voxels added on each side, a number or per file axis `[x, y, z]` (paper: 30 in-plane). Default 30. */
  margin?: number | readonly number[];
}

/**
 * Crops every volume of a case to the bounding box of `mask` (e.g. the whole-gland mask) plus a margin, clipped to
 * the grid (paper section 4.2: "a bounding box is computed around the prostate whole gland mask and extended by 30
 * pixels in each direction"). All volumes must share the mask's shape. An empty mask keeps the full grid.
 */
export function cropToMask(volumes: Volume[], mask: Volume, options: CropToMaskOptions = {}): { volumes: Volume[]; box: VoxelBox } {
  for (const v of volumes) {
    if (v.shape.join() !== mask.shape.join()) {
      throw new Error(`Error in cropToMask: every volume must have the mask's shape [${mask.shape.join(', ')}], got [${v.shape.join(', ')}].`);
    }
  }
  const bb = maskBoundingBox(mask);
  const box = bb ? expandBox(bb, options.margin ?? 30, mask.shape) : { start: [0, 0, 0], end: mask.shape.slice(0, 3) };
  return { volumes: volumes.map((v) => cropVolume(v, box)), box };
}
