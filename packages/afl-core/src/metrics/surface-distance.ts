import type * as tf from '@tensorflow/tfjs-core';
import { aflError, assertSameShape, shapeOf } from '../errors';

const FAR = 1e20;

/** Row-major strides of `shape`. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Voxels of `mask` with a face neighbour outside the mask or outside the image (MONAI's `mask XOR erosion`, cross
 * structuring element, zero border).
 */
export function maskSurface(mask: Uint8Array, shape: readonly number[]): Uint8Array {
  const strides = stridesOf(shape);
  const out = new Uint8Array(mask.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      let edge = false;
      for (let a = 0; a < shape.length && !edge; a++) {
        const c = idx[a];
        if (c === 0 || c === shape[a] - 1 || !mask[i - strides[a]] || !mask[i + strides[a]]) edge = true;
      }
      if (edge) out[i] = 1;
    }
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Where the parabolas rooted at samples p and q of `f` (spacing h) cross. */
function envelopeCrossing(f: Float64Array, p: number, q: number, h: number): number {
  return (f[q] + (q * h) ** 2 - (f[p] + (p * h) ** 2)) / (2 * h * (q - p));
}

/** Exact 1-D squared distance transform (lower envelope of parabolas) of `f` sampled at spacing `h`. */
function distanceTransform1d(f: Float64Array, n: number, h: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = envelopeCrossing(f, v[k], q, h);
    while (s <= z[k]) {
      k--;
      s = envelopeCrossing(f, v[k], q, h);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q * h) k++;
    const p = v[k];
    d[q] = ((q - p) * h) ** 2 + f[p];
  }
}

/** Squared Euclidean distance (in `spacing` units) from every voxel to the nearest non-zero voxel of `features`. */
export function squaredDistanceMap(features: Uint8Array, shape: readonly number[], spacing: readonly number[]): Float64Array {
  const dist = new Float64Array(features.length);
  for (let i = 0; i < features.length; i++) dist[i] = features[i] ? 0 : FAR;
  const strides = stridesOf(shape);
  const maxN = Math.max(...shape);
  const f = new Float64Array(maxN);
  const d = new Float64Array(maxN);
  const v = new Int32Array(maxN);
  const z = new Float64Array(maxN + 1);
  for (let axis = 0; axis < shape.length; axis++) {
    const n = shape[axis];
    const stride = strides[axis];
    const lines = features.length / n;
    for (let line = 0; line < lines; line++) {
      const outer = Math.floor(line / stride);
      const inner = line % stride;
      const base = outer * stride * n + inner;
      for (let q = 0; q < n; q++) f[q] = dist[base + q * stride];
      distanceTransform1d(f, n, spacing[axis], d, v, z);
      for (let q = 0; q < n; q++) dist[base + q * stride] = d[q];
    }
  }
  return dist;
}

/** Distances from each surface voxel of `from` to the nearest surface voxel of `to`; empty when `from` is empty. */
export function surfaceDistances(
  from: Uint8Array,
  to: Uint8Array,
  shape: readonly number[],
  spacing: readonly number[] = shape.map(() => 1),
): Float64Array {
  const fromSurface = maskSurface(from, shape);
  const toSurface = maskSurface(to, shape);
  const sq = squaredDistanceMap(toSurface, shape, spacing);
  const hasTarget = toSurface.some((x) => x === 1);
  const out: number[] = [];
  for (let i = 0; i < fromSurface.length; i++) {
    if (fromSurface[i]) out.push(hasTarget ? Math.sqrt(sq[i]) : Infinity);
  }
  return Float64Array.from(out);
}

/** numpy's default (linear) percentile of `values`, q in [0, 100]. */
export function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface SurfaceDistanceOptions {
  /** Voxel size along each spatial axis, in the tensor's axis order (`[D, H, W]` or `[H, W]`); default 1 (voxel units). */
  spacing?: readonly number[];
  /** Prediction foreground where `yPred > threshold`, default 0.5. */
  threshold?: number;
}

async function perSampleMasks(fn: string, yTrue: tf.Tensor, yPred: tf.Tensor, options: SurfaceDistanceOptions) {
  assertSameShape(fn, yTrue, yPred);
  if (yTrue.shape[yTrue.rank - 1] !== 1) throw aflError(fn, `masks must have 1 channel, got ${shapeOf(yTrue)}.`);
  const shape = yTrue.shape.slice(1, -1);
  const spacing = options.spacing ?? shape.map(() => 1);
  if (spacing.length !== shape.length || spacing.some((s) => !(s > 0))) {
    throw aflError(fn, `spacing must hold ${shape.length} positive values (one per spatial axis), got [${spacing.join(', ')}].`);
  }
  const threshold = options.threshold ?? 0.5;
  const [t, p] = await Promise.all([yTrue.data(), yPred.data()]);
  const n = t.length / yTrue.shape[0];
  const samples: Array<[Uint8Array, Uint8Array]> = [];
  for (let b = 0; b < yTrue.shape[0]; b++) {
    const gt = new Uint8Array(n);
    const pr = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      gt[i] = t[b * n + i] > 0.5 ? 1 : 0;
      pr[i] = p[b * n + i] > threshold ? 1 : 0;
    }
    samples.push([gt, pr]);
  }
  return { samples, shape, spacing };
}

/**
 * Per-sample 95th-percentile Hausdorff distance between the surfaces of prediction and ground truth (MONAI's
 * `compute_hausdorff_distance(percentile=95)`: the larger of the two directed 95th percentiles). NaN when either
 * mask is empty. Units: voxels, or mm when `spacing` is given.
 */
export async function hausdorff95(yTrue: tf.Tensor, yPred: tf.Tensor, options: SurfaceDistanceOptions = {}): Promise<number[]> {
  const { samples, shape, spacing } = await perSampleMasks('hausdorff95', yTrue, yPred, options);
  return samples.map(([gt, pr]) => {
    const a = surfaceDistances(pr, gt, shape, spacing);
    const b = surfaceDistances(gt, pr, shape, spacing);
    if (a.length === 0 || b.length === 0) return NaN;
    return Math.max(percentile(a, 95), percentile(b, 95));
  });
}

/**
 * Per-sample average surface distance: mean distance from the prediction's surface to the ground truth's (MONAI's
 * `compute_average_surface_distance`), or over both directions with `symmetric: true`. NaN when either mask is empty.
 */
export async function averageSurfaceDistance(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: SurfaceDistanceOptions & { symmetric?: boolean } = {},
): Promise<number[]> {
  const { samples, shape, spacing } = await perSampleMasks('averageSurfaceDistance', yTrue, yPred, options);
  return samples.map(([gt, pr]) => {
    const a = surfaceDistances(pr, gt, shape, spacing);
    const b = surfaceDistances(gt, pr, shape, spacing);
    if (a.length === 0 || b.length === 0) return NaN;
    const all = options.symmetric ? [...a, ...b] : Array.from(a);
    return all.reduce((s, x) => s + x, 0) / all.length;
  });
}
