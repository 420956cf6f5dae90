/**
 * A voxel grid with its geometry, as returned by {@link readVolume} and written by {@link writeNifti}.
 *
 * Axis order is file order, fastest axis first: `shape = [nx, ny, nz, ...]` (NIfTI `dim[1..]`, MetaImage `DimSize`).
 * Voxel `(i, j, k)` is `data[i + nx * (j + ny * k)]`, so the flat `data` is also a C-order array of shape
 * `[nz, ny, nx]` = `[D, H, W]` (see {@link dhwShape}), which is how channels-last tensors `[B, D, H, W, C]` are built.
 */
export interface Volume {
  /**
   * Voxel values, scaled. NIfTI `scl_slope`/`scl_inter` are applied when they are not the identity: the result is a
   * `Float32Array` (a `Float64Array` when the file stores float64). Without scaling, the on-disk type is kept
   * (`Uint8Array` for uint8, `Int16Array` for int16, `Float32Array` for float32, `Float64Array` for float64, ...).
   */
  data: VolumeData;
  /** Voxel counts, fastest axis first (`[nx, ny, nz, ...]`). */
  shape: number[];
  /** Voxel size per axis in mm, same order as `shape` (NIfTI `pixdim[1..ndim]`, MetaImage `ElementSpacing`). */
  spacing: number[];
  /** 4x4 voxel index (0-based, fastest axis first) to RAS+ world (mm) affine, as nibabel's `img.affine`. */
  affine: number[][];
  /** Voxel type stored on disk, e.g. `'uint16'` (before scaling). */
  dtype: VolumeDtype;
  /** Path the volume was read from ('' for volumes built in memory). */
  source: string;
  /** DICOM tags a MetaImage header carries (`'0010|0020'`: patient ID, ...), by tag as written in the header. */
  tags?: Record<string, string>;
}

/** Voxel types the readers and the writer handle. */
export type VolumeDtype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** Typed arrays a {@link Volume} can hold. */
export type VolumeData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/**
 * The C-order (slowest axis first) shape of `volume.data`: the file-order shape reversed, `[nz, ny, nx]` = `[D, H, W]`
 * for a 3-D volume. Use it to build tensors without copying or transposing:
 *
 * @example
 * ```ts
 * const v = await readVolume('t2w.mha');
 * const x = tf.tensor(v.data, [1, ...dhwShape(v), 1]); // [B, D, H, W, C], channels-last
 * ```
 */
export function dhwShape(volume: Pick<Volume, 'shape'>): number[] {
  return [...volume.shape].reverse();
}
