import type { Volume, VolumeData } from '../volume';
import { rescaleAffine } from './resize';

/**
 * Crops (and zero-pads where the volume is smaller) a 3-D volume to `size` (file order `[x, y, z]`) around its centre,
 * as MONAI `CenterSpatialCrop` + `SpatialPad` do; the affine follows the new first voxel. Keeps the array type.
 */
export function centerCropOrPad(volume: Volume, size: readonly number[]): Volume {
  if (volume.shape.length !== 3 || size.length !== 3 || size.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`Error in centerCropOrPad: expected a 3-D volume and 3 positive sizes, got shape [${volume.shape.join(', ')}] and size [${size.join(', ')}].`);
  }
  const start = volume.shape.map((n, a) => Math.floor((n - size[a]) / 2)); // negative = pad
  const out = new (volume.data.constructor as new (n: number) => VolumeData)(size[0] * size[1] * size[2]);
  const [nx, ny, nz] = volume.shape;
  for (let z = 0; z < size[2]; z++) {
    const sz = z + start[2];
    if (sz < 0 || sz >= nz) continue;
    for (let y = 0; y < size[1]; y++) {
      const sy = y + start[1];
      if (sy < 0 || sy >= ny) continue;
      for (let x = 0; x < size[0]; x++) {
        const sx = x + start[0];
        if (sx < 0 || sx >= nx) continue;
        out[x + size[0] * (y + size[1] * z)] = volume.data[sx + nx * (sy + ny * sz)];
      }
    }
  }
  return { ...volume, data: out, shape: size.slice(), affine: rescaleAffine(volume.affine, [1, 1, 1], start) };
}
