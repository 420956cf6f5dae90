import type { VolumeData } from '../volume';

/** Interpolation of a resize or resampling step. */
export type Interpolation = 'linear' | 'nearest' | 'area';

/** For each output index along one axis: the source indices and their weights. */
export interface AxisTaps {
  index: Int32Array[];
  weight: Float64Array[];
}

/**
 * Taps for an axis of `inLen` source voxels mapped to `outLen` output voxels where output voxel `i` sits at source
 * position `offset + i * step` (continuous index). `linear` clamps to the edge; `nearest` rounds half up then clamps;
 * `area` averages the source voxels overlapped by the output voxel's footprint (torch `adaptive_avg_pool` when
 * `step = inLen / outLen` and `offset = step / 2 - 0.5`).
 */
export function axisTaps(inLen: number, outLen: number, step: number, offset: number, mode: Interpolation): AxisTaps {
  const index: Int32Array[] = [];
  const weight: Float64Array[] = [];
  const clamp = (v: number): number => (v < 0 ? 0 : v > inLen - 1 ? inLen - 1 : v);
  for (let i = 0; i < outLen; i++) {
    const p = offset + i * step;
    if (mode === 'nearest') {
      index.push(Int32Array.of(clamp(Math.floor(p + 0.5))));
      weight.push(Float64Array.of(1));
    } else if (mode === 'linear') {
      const c = Math.min(Math.max(p, 0), inLen - 1);
      const i0 = Math.floor(c);
      const f = c - i0;
      if (f === 0 || i0 + 1 > inLen - 1) {
        index.push(Int32Array.of(i0));
        weight.push(Float64Array.of(1));
      } else {
        index.push(Int32Array.of(i0, i0 + 1));
        weight.push(Float64Array.of(1 - f, f));
      }
    } else {
      // footprint [p - step/2, p + step/2] in source index units, voxel j covers [j - 0.5, j + 0.5]
      const lo = p - Math.abs(step) / 2 + 0.5;
      const hi = p + Math.abs(step) / 2 + 0.5;
      const ids: number[] = [];
      const ws: number[] = [];
      for (let j = Math.floor(lo); j < Math.ceil(hi); j++) {
        const w = Math.min(hi, j + 1) - Math.max(lo, j);
        if (w <= 1e-12) continue;
        ids.push(clamp(j));
        ws.push(w);
      }
      const sum = ws.reduce((a, b) => a + b, 0);
      index.push(Int32Array.from(ids));
      weight.push(Float64Array.from(ws.map((w) => w / sum)));
    }
  }
  return { index, weight };
}

/**
 * Applies per-axis taps to a C-order array of `dims` (any rank), one axis after the other (separable). Axes whose taps
 * are `undefined` are left as they are. Returns the new array (Float32Array, or the input's type when every applied
 * axis is single-tap, i.e. pure nearest) and its dims.
 */
export function applyAxisTaps(
  data: ArrayLike<number>,
  dims: readonly number[],
  taps: (AxisTaps | undefined)[],
  keepType = false,
): { data: VolumeData; dims: number[] } {
  let cur: ArrayLike<number> = data;
  const shape = dims.slice();
  // process the axis that shrinks most first to keep intermediates small
  const order = taps
    .map((t, a) => ({ a, ratio: t ? t.index.length / shape[a] : Infinity }))
    .filter((o) => o.ratio !== Infinity)
    .sort((x, y) => x.ratio - y.ratio)
    .map((o) => o.a);
  for (const axis of order) {
    const t = taps[axis]!;
    const n = shape[axis];
    const m = t.index.length;
    let inner = 1;
    for (let k = axis + 1; k < shape.length; k++) inner *= shape[k];
    let outer = 1;
    for (let k = 0; k < axis; k++) outer *= shape[k];
    const make = (len: number): VolumeData =>
      keepType && !(cur instanceof Array) ? new (cur.constructor as new (n: number) => VolumeData)(len) : new Float32Array(len);
    const out = make(outer * m * inner);
    for (let o = 0; o < outer; o++) {
      const srcBase = o * n * inner;
      const dstBase = o * m * inner;
      for (let i = 0; i < m; i++) {
        const ids = t.index[i];
        const ws = t.weight[i];
        const dst = dstBase + i * inner;
        if (ids.length === 1) {
          const src = srcBase + ids[0] * inner;
          for (let s = 0; s < inner; s++) out[dst + s] = cur[src + s];
        } else if (ids.length === 2) {
          const s0 = srcBase + ids[0] * inner;
          const s1 = srcBase + ids[1] * inner;
          const w0 = ws[0];
          const w1 = ws[1];
          for (let s = 0; s < inner; s++) out[dst + s] = w0 * cur[s0 + s] + w1 * cur[s1 + s];
        } else {
          for (let s = 0; s < inner; s++) {
            let acc = 0;
            for (let k = 0; k < ids.length; k++) acc += ws[k] * cur[srcBase + ids[k] * inner + s];
            out[dst + s] = acc;
          }
        }
      }
    }
    cur = out;
    shape[axis] = m;
  }
  if (order.length === 0) {
    const copy = keepType && !(data instanceof Array) ? new (data.constructor as new (n: number) => VolumeData)(data.length) : new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) copy[i] = data[i];
    cur = copy;
  }
  return { data: cur as VolumeData, dims: shape };
}
