/**
 * Ground-truth lesion shape measures used to split cases into the tertiles of the paper's Figure 3
 * (boundary smoothness poor / medium / good and lesion volume small / medium / large).
 *
 * Masks are plain arrays in C order over `shape` (`[D, H, W]` or `[H, W]`), with `spacing` in mm per axis in the same
 * order. A voxel belongs to the lesion when its value is above `threshold` (default 0.5).
 */
import { reportError } from '../stats/report-error';

export interface LesionShapeOptions {
  /** Voxels with a value above this are lesion; default 0.5. */
  threshold?: number;
}

function checkGeometry(fn: string, mask: ArrayLike<number>, shape: readonly number[], spacing: readonly number[]): void {
  if (shape.length !== 2 && shape.length !== 3) {
    throw reportError(fn, `shape must be [D, H, W] or [H, W], got [${shape.join(', ')}].`);
  }
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw reportError(fn, `shape must hold positive integers, got [${shape.join(', ')}].`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (mask.length !== size) {
    throw reportError(fn, `mask length must equal the product of shape [${shape.join(', ')}] = ${size}, got ${mask.length}.`);
  }
  if (spacing.length !== shape.length || !spacing.every((s) => Number.isFinite(s) && s > 0)) {
    throw reportError(fn, `spacing must hold ${shape.length} positive finite numbers (mm per axis), got [${spacing.join(', ')}].`);
  }
}

/**
 * Lesion volume in mm³ (for a 2-D mask: area in mm²): the number of lesion voxels × the voxel volume (product of `spacing`).
 *
 * @example lesionVolume(new Uint8Array([1]), [1, 1, 1], [0.5, 0.5, 3]) // 0.75
 */
export function lesionVolume(mask: ArrayLike<number>, shape: readonly number[], spacing: readonly number[], options: LesionShapeOptions = {}): number {
  checkGeometry('lesionVolume', mask, shape, spacing);
  const threshold = options.threshold ?? 0.5;
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] > threshold) count++;
  return count * spacing.reduce((a, b) => a * b, 1);
}

/**
 * Surface area of the lesion in mm² (for a 2-D mask: its perimeter in mm), counted as the exposed voxel faces: every face
 * between a lesion voxel and a background voxel, or the outside of the array, weighted by its area (for a face normal to
 * axis k, the product of the spacings of the other axes).
 */
export function lesionSurfaceArea(mask: ArrayLike<number>, shape: readonly number[], spacing: readonly number[], options: LesionShapeOptions = {}): number {
  checkGeometry('lesionSurfaceArea', mask, shape, spacing);
  return exposedFaceArea(mask, shape, spacing, options.threshold ?? 0.5);
}

function exposedFaceArea(mask: ArrayLike<number>, shape: readonly number[], spacing: readonly number[], threshold: number): number {
  const dims = shape.length;
  const strides = new Array<number>(dims);
  strides[dims - 1] = 1;
  for (let k = dims - 2; k >= 0; k--) strides[k] = strides[k + 1] * shape[k + 1];
  const voxelVolume = spacing.reduce((a, b) => a * b, 1);
  const faceArea = spacing.map((s) => voxelVolume / s);
  const exposed = new Array<number>(dims).fill(0);
  const index = new Array<number>(dims).fill(0);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] > threshold) {
      for (let k = 0; k < dims; k++) {
        if (index[k] === 0 || !(mask[i - strides[k]] > threshold)) exposed[k]++;
        if (index[k] === shape[k] - 1 || !(mask[i + strides[k]] > threshold)) exposed[k]++;
      }
    }
    for (let k = dims - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  let area = 0;
  for (let k = 0; k < dims; k++) area += exposed[k] * faceArea[k];
  return area;
}

/**
 * Boundary smoothness of the lesion as sphericity (Wadell 1935): the surface area of the sphere with the lesion's volume
 * divided by the lesion's surface area, Ψ = π^(1/3) (6V)^(2/3) / A, in (0, 1]. For a 2-D mask the analogue is used: the
 * perimeter of the disc with the lesion's area over the lesion's perimeter, 2 √(π A) / P. NaN for an empty mask.
 *
 * The surface is the voxelised one (exposed faces, see {@link lesionSurfaceArea}), which overestimates the area of a smooth
 * surface: a face-counted surface of an oblique patch is |n_x| + |n_y| + |n_z| times its true area, on average 3/2 over a
 * sphere. So a voxelised ball scores about 2/3, not 1 (≈ 0.659 at radius 10 voxels; a single voxel or any cube scores
 * (π/6)^(1/3) ≈ 0.806, above a ball). The value is only used to rank cases into tertiles, where the bias is shared by all
 * cases of similar size; it is not an absolute smoothness.
 *
 * @example boundarySmoothness(new Uint8Array([1]), [1, 1, 1], [1, 1, 1]) // (π/6)^(1/3) ≈ 0.806
 */
export function boundarySmoothness(mask: ArrayLike<number>, shape: readonly number[], spacing: readonly number[], options: LesionShapeOptions = {}): number {
  checkGeometry('boundarySmoothness', mask, shape, spacing);
  const threshold = options.threshold ?? 0.5;
  const volume = lesionVolume(mask, shape, spacing, { threshold });
  if (volume === 0) return NaN;
  const area = exposedFaceArea(mask, shape, spacing, threshold);
  if (shape.length === 2) return (2 * Math.sqrt(Math.PI * volume)) / area;
  return (Math.cbrt(Math.PI) * Math.pow(6 * volume, 2 / 3)) / area;
}
