import type { Volume } from '../volume';

/** The target of {@link resampleToGrid}: a shape (file order) and a voxel-to-world affine. */
export interface GridGeometry {
  shape: readonly number[];
  spacing: readonly number[];
  affine: number[][];
}

function invert4(m: number[][]): number[][] {
  // general 4x4 inverse by Gauss-Jordan
  const a = m.map((r, i) => [...r.slice(0, 4), ...[0, 1, 2, 3].map((j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12) throw new Error('Error in resampleToGrid: the moving affine is singular, got a zero pivot.');
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 8; j++) a[c][j] /= d;
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let j = 0; j < 8; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((r) => r.slice(4));
}

/** Options of {@link resampleToGrid}. */
export interface ResampleToGridOptions {
  /** `'linear'` (images, default) or `'nearest'` (masks). */
  mode?: 'linear' | 'nearest';
  /** Value outside the moving image. Default 0 (ITK `ResampleImageFilter`'s default pixel value). */
  fill?: number;
}

/**
 * Resamples `moving` onto another grid in world space with the identity transform (e.g. ADC and HBV onto the T2W
 * grid), as ITK's `ResampleImageFilter` does: each output voxel's world position is mapped to a continuous moving
 * index through both affines (origin, spacing and the full direction matrix, oblique included); positions outside
 * `[-0.5, n - 0.5)` on any axis get `fill`; inside, trilinear with neighbours clamped to the buffer (ITK
 * `LinearInterpolateImageFunction`) or nearest (round half up). Returns float32 on the target grid.
 */
export function resampleToGrid(moving: Volume, target: GridGeometry, options: ResampleToGridOptions = {}): Volume {
  const fn = 'resampleToGrid';
  if (moving.shape.length !== 3 || target.shape.length < 3) {
    throw new Error(`Error in ${fn}: expected 3-D volumes, got moving shape [${moving.shape.join(', ')}] and target shape [${target.shape.join(', ')}].`);
  }
  const mode = options.mode ?? 'linear';
  const fill = options.fill ?? 0;
  const inv = invert4(moving.affine);
  const m = inv.map((r) => [0, 1, 2, 3].map((j) => r[0] * target.affine[0][j] + r[1] * target.affine[1][j] + r[2] * target.affine[2][j] + r[3] * target.affine[3][j]));
  const [nx, ny, nz] = target.shape;
  const [mx, my, mz] = moving.shape;
  const src = moving.data;
  const out = new Float32Array(nx * ny * nz);
  const mxy = mx * my;
  for (let k = 0, o = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, o++) {
        const x = m[0][0] * i + m[0][1] * j + m[0][2] * k + m[0][3];
        const y = m[1][0] * i + m[1][1] * j + m[1][2] * k + m[1][3];
        const z = m[2][0] * i + m[2][1] * j + m[2][2] * k + m[2][3];
        if (!(x >= -0.5 && x < mx - 0.5 && y >= -0.5 && y < my - 0.5 && z >= -0.5 && z < mz - 0.5)) {
          out[o] = fill;
          continue;
        }
        if (mode === 'nearest') {
          out[o] = src[Math.floor(x + 0.5) + mx * Math.floor(y + 0.5) + mxy * Math.floor(z + 0.5)];
          continue;
        }
        let x0 = Math.floor(x);
        let y0 = Math.floor(y);
        let z0 = Math.floor(z);
        let fx = x - x0;
        let fy = y - y0;
        let fz = z - z0;
        if (x0 < 0) { x0 = 0; fx = 0; }
        if (y0 < 0) { y0 = 0; fy = 0; }
        if (z0 < 0) { z0 = 0; fz = 0; }
        const x1 = x0 + 1 < mx ? x0 + 1 : x0;
        const y1 = y0 + 1 < my ? y0 + 1 : y0;
        const z1 = z0 + 1 < mz ? z0 + 1 : z0;
        const c00 = src[x0 + mx * y0 + mxy * z0] * (1 - fx) + src[x1 + mx * y0 + mxy * z0] * fx;
        const c10 = src[x0 + mx * y1 + mxy * z0] * (1 - fx) + src[x1 + mx * y1 + mxy * z0] * fx;
        const c01 = src[x0 + mx * y0 + mxy * z1] * (1 - fx) + src[x1 + mx * y0 + mxy * z1] * fx;
        const c11 = src[x0 + mx * y1 + mxy * z1] * (1 - fx) + src[x1 + mx * y1 + mxy * z1] * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return { data: out, shape: target.shape.slice(0, 3), spacing: target.spacing.slice(0, 3), affine: target.affine.map((r) => r.slice()), dtype: 'float32', source: moving.source };
}
