import * as tf from '@tensorflow/tfjs-core';

/** Options of `gradCheck`. */
export interface GradCheckOptions {
  /** Finite-difference step along each (unit-RMS) random direction. Default 1e-2. */
  h?: number;
  /** Random directions per input. Default 3. */
  directions?: number;
  /** Seed of the directions and the output projection. Default 1. */
  seed?: number;
}

/** One directional-derivative comparison. */
export interface GradCheckEntry {
  input: number;
  analytic: number;
  numeric: number;
  /** |analytic - numeric| / max(|analytic|, |numeric|, scale * 1e-3). */
  relError: number;
}

/** Seeded standard normal samples (mulberry32 + Box-Muller). */
export function randn(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  return out;
}

/** Seeded float32 tensor with standard normal entries. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((p, v) => p * v, 1);
  return tf.tensor(Float32Array.from(randn(n, seed)), shape);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Compare the gradients of `f` with central finite differences along random
 * directions. The scalar is L(x) = <f(x), R> with a fixed random R, accumulated
 * in float64 in JS so that only the float32 rounding of f's output enters the
 * differences: d/dh L(x + h v) = <grad L, v>.
 */
export function gradCheck(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], options: GradCheckOptions = {}): GradCheckEntry[] {
  const h = options.h ?? 1e-2;
  const dirs = options.directions ?? 3;
  const seed = options.seed ?? 1;
  const y0 = tf.tidy(() => f(...xs));
  const r = randn(y0.size, seed + 7919);
  y0.dispose();
  const rT = tf.tensor(Float32Array.from(r), y0.shape);
  const evalL = (args: tf.Tensor[]): number => {
    const y = tf.tidy(() => f(...args));
    const v = dot(y.dataSync(), r);
    y.dispose();
    return v;
  };
  const grads = tf.tidy(() => tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), rT)))(xs));
  const out: GradCheckEntry[] = [];
  xs.forEach((x, i) => {
    const g = grads[i].dataSync();
    for (let d = 0; d < dirs; d++) {
      const v = randn(x.size, seed * 131 + i * 17 + d);
      const analytic = dot(g, v);
      const step = tf.tensor(Float32Array.from(v, (e) => e * h), x.shape);
      const xp = tf.add(x, step);
      const xm = tf.sub(x, step);
      const args = (t: tf.Tensor) => xs.map((e, j) => (j === i ? t : e));
      const numeric = (evalL(args(xp)) - evalL(args(xm))) / (2 * h);
      tf.dispose([step, xp, xm]);
      const scale = Math.sqrt(dot(g, g) * x.size) + 1e-12;
      const relError = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), scale * 1e-3);
      out.push({ input: i, analytic, numeric, relError });
    }
  });
  tf.dispose([rT, ...grads]);
  return out;
}

/** Largest relative error of a `gradCheck` result. */
export function maxRelError(entries: GradCheckEntry[]): number {
  return entries.reduce((m, e) => Math.max(m, e.relError), 0);
}

/** Gradients of <f(xs), R> for a fixed random R, as JS arrays (for cross-backend comparison). */
export function projectedGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed = 1): { y: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const y = f(...xs);
    const rT = tf.tensor(Float32Array.from(randn(y.size, seed + 7919)), y.shape);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), rT)))(xs);
    return { y: y.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

/** max |a - b| / max(max |b|, 1e-6). */
export function maxAbsDiffRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return a.length !== b.length ? Infinity : d / Math.max(m, 1e-6);
}
