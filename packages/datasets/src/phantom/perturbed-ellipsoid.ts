import type { Rng } from '../random';

/** One low-frequency term of a radial perturbation: `weight * T_degree(n . axis)` (Chebyshev polynomial). */
export interface RadialTerm {
  /** Unit vector `[z, y, x]`. */
  axis: [number, number, number];
  /** Polynomial degree (2 = ellipsoid-like, higher = more lobes). */
  degree: number;
  /** Signed weight; weights of a shape sum to 1 in absolute value. */
  weight: number;
}

/**
 * A star-shaped blob: an ellipsoid whose radius along unit direction `n` is scaled by `1 + amplitude * P(n)`, with
 * `P(n) = sum_k w_k T_{l_k}(n . v_k)` a sum of zonal Chebyshev terms (spherical-harmonic-like lobes of degree l around
 * random axes v; |P| <= 1). `amplitude` 0 gives a smooth ellipsoid; ~0.4 gives a lobulated, irregular boundary.
 */
export interface PerturbedEllipsoid {
  /** Centre in mm, `[z, y, x]`. */
  center: [number, number, number];
  /** Semi-axes in mm, `[z, y, x]`. */
  radii: [number, number, number];
  /** Perturbation amplitude in [0, 1). */
  amplitude: number;
  terms: RadialTerm[];
}

/** Random unit vector `[z, y, x]`. */
export function randomUnitVector(rng: Rng): [number, number, number] {
  for (;;) {
    const v: [number, number, number] = [rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(v[0], v[1], v[2]);
    if (n > 1e-6) return [v[0] / n, v[1] / n, v[2] / n];
  }
}

/** `count` random terms of degrees in `[minDegree, maxDegree]`, weights summing to 1 in absolute value. */
export function randomRadialTerms(rng: Rng, count: number, minDegree: number, maxDegree: number): RadialTerm[] {
  const terms: RadialTerm[] = [];
  let total = 0;
  for (let k = 0; k < count; k++) {
    const degree = minDegree + rng.int(maxDegree - minDegree + 1);
    const weight = (rng.bernoulli(0.5) ? 1 : -1) * rng.uniform(0.3, 1);
    total += Math.abs(weight);
    terms.push({ axis: randomUnitVector(rng), degree, weight });
  }
  for (const t of terms) t.weight /= total || 1;
  return terms;
}

/** `T_n(x)` by the three-term recurrence. */
function chebyshev(n: number, x: number): number {
  if (n === 0) return 1;
  let t0 = 1;
  let t1 = x;
  for (let k = 2; k <= n; k++) {
    const t2 = 2 * x * t1 - t0;
    t0 = t1;
    t1 = t2;
  }
  return t1;
}

/**
 * Signed depth of point `(z, y, x)` (mm) inside `shape`, in mm along the ray from the centre: positive inside,
 * negative outside, 0 on the boundary (approximately a signed distance near the boundary).
 */
export function ellipsoidDepth(shape: PerturbedEllipsoid, z: number, y: number, x: number): number {
  const [rz, ry, rx] = shape.radii;
  const dz = (z - shape.center[0]) / rz;
  const dy = (y - shape.center[1]) / ry;
  const dx = (x - shape.center[2]) / rx;
  const rho = Math.sqrt(dz * dz + dy * dy + dx * dx);
  let scale = 1;
  if (shape.amplitude > 0 && rho > 1e-9) {
    let p = 0;
    for (const t of shape.terms) {
      p += t.weight * chebyshev(t.degree, (dz * t.axis[0] + dy * t.axis[1] + dx * t.axis[2]) / rho);
    }
    scale = 1 + shape.amplitude * p;
  }
  // mm per unit of normalised radius along this ray
  const mm = rho > 1e-9 ? Math.sqrt((dz * rz) ** 2 + (dy * ry) ** 2 + (dx * rx) ** 2) / rho : Math.min(rz, ry, rx);
  return (scale - rho) * mm;
}

/** Largest extent (mm) of `shape` from its centre per axis `[z, y, x]`. */
export function ellipsoidExtent(shape: PerturbedEllipsoid): [number, number, number] {
  const f = 1 + shape.amplitude;
  return [shape.radii[0] * f, shape.radii[1] * f, shape.radii[2] * f];
}

/**
 * Visits every voxel of a `[D, H, W]` grid with voxel size `spacing` (mm, voxel centres at `(i + 0.5) * spacing`)
 * that lies within `pad` mm of `shape`'s bounding box, calling `fn(flatIndex, depthMm)`.
 */
export function forEachVoxelNear(
  shape: PerturbedEllipsoid,
  dims: readonly number[],
  spacing: readonly number[],
  pad: number,
  fn: (index: number, depth: number) => void,
): void {
  const ext = ellipsoidExtent(shape);
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, Math.floor((shape.center[a] - ext[a] - pad) / spacing[a] - 0.5));
    hi[a] = Math.min(dims[a] - 1, Math.ceil((shape.center[a] + ext[a] + pad) / spacing[a] - 0.5));
  }
  const [, H, W] = dims;
  for (let d = lo[0]; d <= hi[0]; d++) {
    const z = (d + 0.5) * spacing[0];
    for (let h = lo[1]; h <= hi[1]; h++) {
      const y = (h + 0.5) * spacing[1];
      let i = (d * H + h) * W + lo[2];
      for (let w = lo[2]; w <= hi[2]; w++, i++) {
        fn(i, ellipsoidDepth(shape, z, y, (w + 0.5) * spacing[2]));
      }
    }
  }
}

/**
 * Blends `value` (one entry per channel of the interleaved `image`) into the voxels of `shape`, with a soft edge of
 * width `edge` mm; `onInside` is called for every voxel inside the surface.
 */
export function paintEllipsoid(
  image: Float32Array,
  shape: PerturbedEllipsoid,
  dims: readonly number[],
  spacing: readonly number[],
  value: readonly number[],
  edge: number,
  onInside?: (i: number) => void,
): void {
  const channels = value.length;
  forEachVoxelNear(shape, dims, spacing, edge, (i, depth) => {
    const s = depth / edge + 0.5;
    if (s <= 0) return;
    const t = s >= 1 ? 1 : s;
    const o = i * channels;
    for (let c = 0; c < channels; c++) image[o + c] += t * (value[c] - image[o + c]);
    if (depth >= 0 && onInside) onInside(i);
  });
}
