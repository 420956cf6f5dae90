import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../register-gradients';
import * as fs from 'node:fs';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(name);
  await tf.ready();
}

export interface RefArray {
  shape: number[];
  data: Array<number | string>;
}

export function refValues(a: RefArray): number[] {
  return a.data.map((v) => (typeof v === 'string' ? Number(v) : v));
}

/** A channels-first reference array `[B, C, ...spatial]` as a channels-last tensor `[B, ...spatial, C]`. */
export function channelsLast(a: RefArray): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.tensor(refValues(a), a.shape, 'float32');
    const perm = [0, ...a.shape.slice(2).map((_, i) => i + 2), 1];
    return tf.transpose(t, perm);
  });
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function assertClose(actual: number, expected: number, rtol: number, atol: number, what: string): void {
  const ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  if (!ok) throw new Error(`${what}: got ${actual}, expected ${expected} (rtol ${rtol}, atol ${atol})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    assertClose(a, e, rtol, atol, `${what}[${i}]`);
  }
}

/** A seeded PRNG (mulberry32), uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Central finite differences of `f` (evaluated in float32 by TF.js) with respect to each element of `x`, compared
 * against `tf.grad`. Returns the worst absolute error relative to `1 + |fd|`.
 */
export function gradientCheck(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, step = 1e-2): { worst: number; analytic: Float32Array; numeric: Float64Array } {
  const analytic = tf.tidy(() => tf.grad(f)(x).dataSync() as Float32Array);
  const base = x.dataSync().slice();
  const numeric = new Float64Array(base.length);
  let worst = 0;
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    plus[i] += step;
    const minus = base.slice();
    minus[i] -= step;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)).dataSync()[0]);
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)).dataSync()[0]);
    numeric[i] = (fp - fm) / (2 * step);
    worst = Math.max(worst, Math.abs(numeric[i] - analytic[i]) / (1 + Math.abs(numeric[i])));
  }
  return { worst, analytic, numeric };
}

/** A binary mask tensor `[1, ...shape, 1]` with ones where `inside(index...)` holds. */
export function maskFrom(shape: number[], inside: (...idx: number[]) => boolean): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    data[i] = inside(...idx) ? 1 : 0;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return tf.tensor(data, [1, ...shape, 1]);
}
