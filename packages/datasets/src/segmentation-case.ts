/**
 * One preprocessed case, ready to become tensors: voxels are C-order `[D, H, W]` (slowest axis first, the reverse of
 * a {@link Volume}'s file-order shape) and the image is channels-last interleaved `[D, H, W, C]`, the layout of a
 * `tf.Tensor5D [B, D, H, W, C]` without the batch axis.
 */
export interface SegmentationCase {
  /** Stable case identifier (e.g. `10032_1000032`, `Brats18_TCIA01_123_1`, `phantom-prostate-0007`). */
  id: string;
  /** `[D, H, W]`. */
  shape: [number, number, number];
  /** Voxel size in mm, `[D, H, W]` order. */
  spacing: [number, number, number];
  /** Channel names, in the order of the last image axis (e.g. `['t2w', 'adc', 'hbv']`). */
  channels: string[];
  /** Float32 voxels, channels-last interleaved: voxel `(d, h, w)` channel `c` is `image[((d * H + h) * W + w) * C + c]`. */
  image: Float32Array;
  /** Binary target 0/1, `[D, H, W]` (PI-CAI: lesion, any ISUP grade; BraTS: whole tumour). */
  mask: Uint8Array;
  /** Multi-class labels, `[D, H, W]` (BraTS: 0, 1 necrosis, 2 edema, 4 enhancing; prostate phantom: lesion index). */
  labels?: Uint8Array;
  /** Organ mask, `[D, H, W]` (prostate whole gland, brain), where the source has one. */
  organ?: Uint8Array;
  /**
   * Voxel index to RAS+ world (mm) affine of the preprocessed grid, file order (`[x, y, z]` = `[W, H, D]`), as a
   * {@link Volume}'s. Set by the preprocessing pipelines, which carry the geometry through every spatial step, so a
   * prediction on this grid can be resampled back onto the study's own grid.
   */
  affine?: number[][];
  /** Free-form facts (generation parameters, source files). */
  meta?: Record<string, unknown>;
}

/** Number of voxels of a `[D, H, W]` shape. */
export function voxelsOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
