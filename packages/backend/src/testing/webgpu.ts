import { describe, it, before, after } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, BackendName } from '../init-backend';
import { maxAbsDiffRel } from './grad-check';

/**
 * Tolerances of the webgpu suites: max |webgpu - cpu| / max |cpu| over each
 * compared tensor (forward output and every gradient). float32 on both sides;
 * the GPU sums in another order (tiled matmuls / convolutions), so linear ops
 * agree to a few ulps of the largest value.
 */
export const WEBGPU_TOLERANCE = {
  /** Convolutions (2-D/3-D, transposed) and their input and filter gradients. */
  conv: 1e-4,
  /** Pooling, resize, concat/split, elementwise, softmax. */
  ops: 1e-4,
  /** Batch norm (float32 moments on the GPU; cpu/wasm accumulate them in float64) and the layers. */
  layers: 1e-3,
  /** Tiny U-Net loss and weight gradients (each weight against its own scale + 1e-5 of the largest gradient). */
  unet: 1e-3,
} as const;

/** `AFL_REQUIRE_WEBGPU=1`: an unavailable webgpu fails the suites instead of skipping them (CI with the software driver). */
export const REQUIRE_WEBGPU = process.env.AFL_REQUIRE_WEBGPU === '1';

let status: Promise<{ ok: boolean; why: string }> | undefined;

/** Whether `initBackend({ backend: 'webgpu' })` gives webgpu here (any adapter, software included), and why not. */
export function webgpuStatus(): Promise<{ ok: boolean; why: string }> {
  status ??= (async () => {
    const prev = tf.getBackend();
    const info = await initBackend({ backend: 'webgpu', quiet: true });
    const ok = info.backend === 'webgpu';
    const why = ok ? info.reason : info.skipped.find((s) => s.backend === 'webgpu')?.why ?? info.reason;
    if (prev != null && prev !== tf.getBackend()) await initBackend({ backend: prev as BackendName, quiet: true });
    return { ok, why };
  })();
  return status;
}

/** Switch to `backend` quietly and check that it is active. */
export async function switchTo(backend: BackendName): Promise<void> {
  await initBackend({ backend, quiet: true });
  if (tf.getBackend() !== backend) throw new Error(`Error in switchTo: wanted ${backend}, got ${tf.getBackend()}.`);
}

/** Run `compute` (which creates its own inputs) on `backend` and read every returned tensor asynchronously. */
export async function computeOn(backend: BackendName, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await switchTo(backend);
  const ts = compute();
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(ts);
  return out;
}

/**
 * Run `compute` on cpu and on webgpu and check every returned tensor:
 * max |webgpu - cpu| / max |cpu| < tol. Returns the largest such error.
 */
export async function compareWebgpuWithCpu(compute: () => tf.Tensor[], tol: number, names?: string[]): Promise<number> {
  const ref = await computeOn('cpu', compute);
  const got = await computeOn('webgpu', compute);
  if (got.length !== ref.length) throw new Error(`Error in compareWebgpuWithCpu: ${got.length} tensors on webgpu, ${ref.length} on cpu.`);
  let worst = 0;
  ref.forEach((r, i) => {
    const err = maxAbsDiffRel(got[i], r);
    worst = Math.max(worst, err);
    if (!(err < tol)) throw new Error(`${names?.[i] ?? `tensor ${i}`}: max |webgpu - cpu| / max |cpu| = ${err} (tolerance ${tol})`);
  });
  return worst;
}

/**
 * `describe('<title> on webgpu, compared with cpu')`: its tests are skipped
 * (with the reason) when webgpu is unavailable, and fail when
 * `AFL_REQUIRE_WEBGPU=1`. The body gets the `it` to use.
 */
export function describeWebgpuVsCpu(title: string, body: (test: (name: string, fn: () => Promise<void>) => void) => void): void {
  describe(`${title} on webgpu, compared with cpu`, () => {
    let st: { ok: boolean; why: string } | undefined;
    before(async () => {
      st = await webgpuStatus();
      if (!st.ok && REQUIRE_WEBGPU) throw new Error(`Error in describeWebgpuVsCpu: AFL_REQUIRE_WEBGPU=1 but webgpu is unavailable: ${st.why}`);
    });
    after(async () => { await initBackend({ backend: 'cpu', quiet: true }); });
    body((name, fn) => it(name, async (t) => {
      if (st == null || !st.ok) {
        t.skip(`webgpu unavailable: ${st?.why ?? 'not probed'}`);
        return;
      }
      await fn();
    }));
  });
}
