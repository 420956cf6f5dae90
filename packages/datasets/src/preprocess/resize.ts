import type { Volume } from '../volume';
import { applyAxisTaps, axisTaps, type AxisTaps, type Interpolation } from './axis-taps';

/**
 * Taps of torch's `adaptive_avg_pool` (what `F.interpolate(mode='area')` and MONAI `Resize(mode='area')` run): output
 * `i` averages source voxels `floor(i * n / m)` to `ceil((i + 1) * n / m) - 1` with equal weights.
 */
export function adaptivePoolTaps(inLen: number, outLen: number): AxisTaps {
  const index: Int32Array[] = [];
  const weight: Float64Array[] = [];
  for (let i = 0; i < outLen; i++) {
    const a = Math.floor((i * inLen) / outLen);
    const b = Math.ceil(((i + 1) * inLen) / outLen);
    const ids = new Int32Array(b - a);
    for (let j = a; j < b; j++) ids[j - a] = j;
    index.push(ids);
    weight.push(new Float64Array(b - a).fill(1 / (b - a)));
  }
  return { index, weight };
}

/** Copies `affine` so that it maps the voxels of a grid whose voxel `i` sits at old continuous index `offset + i * step` per file axis. */
export function rescaleAffine(affine: number[][], step: readonly number[], offset: readonly number[]): number[][] {
  const out = affine.map((r) => r.slice());
  for (let r = 0; r < 3; r++) {
    let t = affine[r][3];
    for (let c = 0; c < step.length && c < 3; c++) {
      out[r][c] = affine[r][c] * step[c];
      t += affine[r][c] * offset[c];
    }
    out[r][3] = t;
  }
  return out;
}

/**
 * Resizes a 3-D volume to `dhw = [D, H, W]` (slowest axis first, as the paper writes `24 x 160 x 128`; the file-order
 * shape becomes `[W, H, D]`), keeping the field of view: voxel centres at `(i + 0.5) * n / m - 0.5` (torch
 * `align_corners=False`). `'linear'` is trilinear (images), `'nearest'` picks the voxel containing the output centre
 * and keeps the input array type (masks), `'area'` is torch's adaptive average pooling (MONAI `Resize(mode='area')`).
 * Spacing and affine are updated.
 *
 * @example
 * ```ts
 * const small = resizeVolume(t2w, [24, 160, 128], 'linear');
 * const mask = resizeVolume(lesion, [24, 160, 128], 'nearest');
 * ```
 */
export function resizeVolume(volume: Volume, dhw: readonly number[], mode: Interpolation = 'linear'): Volume {
  if (volume.shape.length !== 3 || dhw.length !== 3 || dhw.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(
      `Error in resizeVolume: expected a 3-D volume and dhw = [D, H, W] positive integers, got shape [${volume.shape.join(', ')}] and dhw [${dhw.join(', ')}].`,
    );
  }
  if (mode !== 'linear' && mode !== 'nearest' && mode !== 'area') {
    throw new Error(`Error in resizeVolume: mode must be 'linear', 'nearest' or 'area', got ${JSON.stringify(mode)}.`);
  }
  const inDhw = [volume.shape[2], volume.shape[1], volume.shape[0]];
  const taps: AxisTaps[] = [];
  const stepF: number[] = [0, 0, 0];
  const offF: number[] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const n = inDhw[a];
    const m = dhw[a];
    const step = n / m;
    const off = step / 2 - 0.5;
    taps.push(mode === 'area' ? adaptivePoolTaps(n, m) : axisTaps(n, m, step, off, mode));
    stepF[2 - a] = step;
    offF[2 - a] = off;
  }
  const { data } = applyAxisTaps(volume.data, inDhw, taps, mode === 'nearest');
  return {
    data,
    shape: [dhw[2], dhw[1], dhw[0]],
    spacing: volume.spacing.slice(0, 3).map((s, i) => s * stepF[i]),
    affine: rescaleAffine(volume.affine, stepF, offF),
    dtype: mode === 'nearest' ? volume.dtype : 'float32',
    source: volume.source,
  };
}
