import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { installGradients } from './gradients/install-gradients';
import { installKernels } from './kernels/install-kernels';
import { nativeAddon, nativeStatus, setNativeKernels } from './native/native-addon';
import { AdapterDescription, installNavigatorGpu, probeWebgpuAdapter, WEBGPU_INSTALL_HINT } from './webgpu/dawn-setup';

/** Backends `initBackend` can select, in its automatic order (the one list of backend names). */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

/** Backends `initBackend` can select. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /**
   * Force a backend. Default: `AFL_BACKEND` env var, else tensorflow -> webgpu
   * (hardware adapter only) -> wasm -> cpu.
   */
  backend?: BackendName;
  /** Do not log the choice. Default false. */
  quiet?: boolean;
  /**
   * Run convolutions, batch-norm passes and per-channel sums on the native
   * addon (`native/`, built by `npm run build` when a C compiler and OpenBLAS
   * are present) on wasm and cpu. Default: true unless the `AFL_NATIVE` env var is `0`.
   */
  native?: boolean;
  /**
   * Threads of the native convolutions (OpenMP over output rows / pixel
   * chunks, and OpenBLAS). Default: the `AFL_THREADS` env var, else the
   * number of CPUs Node reports (os.availableParallelism), at most 8.
   */
  threads?: number;
}

/** What `initBackend` chose. */
export interface BackendInfo {
  /** The active tfjs backend. */
  backend: BackendName;
  /** Why it was chosen (one line). */
  reason: string;
  /** Backends tried before, with the reason each was skipped. */
  skipped: { backend: BackendName; why: string }[];
  /** For tensorflow: which package provided it. */
  package?: string;
  /** For webgpu: the adapter (vendor, device, driver, whether it is a software rasteriser, limits). */
  adapter?: AdapterDescription;
  /** wasm: whether the SIMD binary is used; threads used by the backend's kernels. */
  simd?: boolean;
  threads: number;
  /** wasm/cpu: whether convolutions and batch norm run on the native addon, and why (or why not). */
  native?: { enabled: boolean; why: string };
  /** Kernels this package replaced or added on the backend. */
  kernels: string[];
}

const ORDER: BackendName[] = [...BACKEND_NAMES];
const NAMES_TEXT = BACKEND_NAMES.map((b) => JSON.stringify(b)).join(', ');

function isBackendName(v: string): v is BackendName {
  return (ORDER as string[]).includes(v);
}

/** Directory holding the wasm backend's .wasm binaries, or an error message. */
export function wasmBinaryDir(): { dir?: string; error?: string } {
  try {
    const main = require.resolve('@tensorflow/tfjs-backend-wasm');
    const dir = path.dirname(main);
    const missing = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].filter((f) => !fs.existsSync(path.join(dir, f)));
    if (missing.length > 0) return { error: `missing ${missing.join(', ')} in ${dir}` };
    return { dir };
  } catch (e) {
    return { error: `@tensorflow/tfjs-backend-wasm not installed (${(e as Error).message.split('\n')[0]})` };
  }
}

async function tryTensorflow(): Promise<{ ok: boolean; why: string; pkg?: string }> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require(pkg);
      if (await tf.setBackend('tensorflow')) return { ok: true, why: `${pkg} loaded`, pkg };
      errors.push(`${pkg}: backend failed to initialise`);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      errors.push(`${pkg}: ${/Cannot find module/.test(msg) ? 'not installed' : msg}`);
    }
  }
  return { ok: false, why: errors.join('; ') };
}

/**
 * WebGPU through Dawn. A software adapter (llvmpipe, SwiftShader, a fallback
 * adapter) is taken only when webgpu was asked for by name.
 */
async function tryWebgpu(byName: boolean): Promise<{ ok: boolean; why: string; adapter?: AdapterDescription }> {
  const probe = await probeWebgpuAdapter();
  const a = probe.adapter;
  if (a == null) return { ok: false, why: probe.error ?? 'no adapter' };
  const label = a.description || a.device || a.vendor || 'unnamed adapter';
  if (a.isSoftware && !byName) {
    return { ok: false, why: `only a software adapter (${label}; ${a.softwareReason}), used only when asked for by name (AFL_BACKEND=webgpu)`, adapter: a };
  }
  const nav = installNavigatorGpu();
  if (!nav.ok) return { ok: false, why: nav.error ?? 'navigator.gpu not set', adapter: a };
  try {
    require('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return { ok: false, why: /Cannot find module/.test(msg) ? `@tensorflow/tfjs-backend-webgpu not installed; add it with: ${WEBGPU_INSTALL_HINT}` : msg, adapter: a };
  }
  if (tf.findBackendFactory('webgpu') == null && released != null) tf.registerBackend('webgpu', released, 0);
  if (tf.findBackendFactory('webgpu') == null) return { ok: false, why: '@tensorflow/tfjs-backend-webgpu did not register (navigator.gpu missing at load)', adapter: a };
  try {
    if (!(await tf.setBackend('webgpu'))) return { ok: false, why: 'webgpu backend failed to initialise (requestDevice)', adapter: a };
  } catch (e) {
    return { ok: false, why: `webgpu backend failed to initialise: ${(e as Error).message.split('\n')[0]}`, adapter: a };
  }
  return { ok: true, why: `adapter ${label}${a.isSoftware ? ` (software: ${a.softwareReason})` : ''}`, adapter: a };
}

/** The webgpu backend's factory after `releaseBackend`, to register it again on demand. */
let released: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/**
 * Release the webgpu backend: dispose its buffers, destroy its GPU device and
 * switch to cpu when it was active (a later `initBackend({ backend: 'webgpu' })`
 * creates a new device). Call it before the end of a script that should exit
 * promptly; a no-op when webgpu was never initialised.
 */
export async function releaseBackend(): Promise<void> {
  const engine = tf.engine() as unknown as { registry: Record<string, tf.KernelBackend>; backendName: string | null };
  const be = engine.registry.webgpu as (tf.KernelBackend & { device?: { destroy(): void } }) | undefined;
  if (be == null) return;
  const active = engine.backendName === 'webgpu';
  released = tf.findBackendFactory('webgpu') ?? released;
  tf.removeBackend('webgpu');
  try { be.device?.destroy(); } catch { /* already destroyed */ }
  if (released != null) tf.registerBackend('webgpu', released, 0);
  if (active) {
    require('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  }
  if (last?.backend === 'webgpu') last = undefined;
}

async function tryWasm(): Promise<{ ok: boolean; why: string; simd?: boolean }> {
  const bin = wasmBinaryDir();
  if (bin.error != null) return { ok: false, why: bin.error };
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    if (tf.getBackend() !== 'wasm') wasm.setWasmPaths(`${bin.dir}${path.sep}`);
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'wasm backend failed to initialise' };
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    return { ok: true, why: `binaries in ${bin.dir}`, simd };
  } catch (e) {
    return { ok: false, why: (e as Error).message.split('\n')[0] };
  }
}

let last: BackendInfo | undefined;

/** Backends whose tensors live in host memory, where the native addon runs. */
function usesNative(b: BackendName): boolean {
  return b === 'wasm' || b === 'cpu';
}

function positiveInt(v: string | undefined): number | undefined {
  const n = Number(v);
  return v != null && v !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Switch the native kernels on/off and set OpenBLAS's threads, from the options and env. */
function configureNative(options: InitBackendOptions): { enabled: boolean; why: string } {
  if (options.threads != null && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new Error(`Error in initBackend: threads must be a positive integer, got ${options.threads}.`);
  }
  const on = options.native ?? process.env.AFL_NATIVE !== '0';
  setNativeKernels(on);
  const addon = nativeAddon();
  if (addon != null) {
    addon.setThreads(options.threads ?? positiveInt(process.env.AFL_THREADS) ?? Math.min(8, Math.max(1, os.availableParallelism?.() ?? os.cpus().length)));
  }
  const st = nativeStatus();
  if (!on) return { enabled: false, why: options.native === false ? 'options.native = false' : 'AFL_NATIVE=0' };
  return { enabled: st.enabled, why: st.enabled ? st.why : `addon ${st.why}` };
}

/**
 * Select and initialise the TF.js backend, then install this package's
 * kernels, gradients and layers for it. Order: `options.backend`, else the
 * `AFL_BACKEND` env var, else tensorflow (tfjs-node-gpu, then tfjs-node, when
 * installed and loadable) -> webgpu (Dawn, on a hardware adapter; a software
 * adapter such as llvmpipe only when webgpu is asked for by name) -> wasm ->
 * cpu. A forced backend that fails falls back along the same order. Safe to
 * call more than once. On webgpu read tensors with `await t.data()` (dataSync
 * throws in Node) and call `releaseBackend()` when done.
 *
 * @example
 * const info = await initBackend();            // e.g. { backend: 'wasm', ... }
 * await initBackend({ backend: 'cpu', quiet: true });
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const env = process.env.AFL_BACKEND;
  if (options.backend != null && !isBackendName(options.backend)) {
    throw new Error(`Error in initBackend: unsupported backend ${JSON.stringify(options.backend)}, available options are [${NAMES_TEXT}].`);
  }
  if (env != null && env !== '' && !isBackendName(env)) {
    throw new Error(`Error in initBackend: AFL_BACKEND=${JSON.stringify(env)} is not one of ${NAMES_TEXT}.`);
  }
  const wanted: BackendName | undefined = options.backend ?? (env ? (env as BackendName) : undefined);
  const source = options.backend != null ? 'options.backend' : 'AFL_BACKEND';
  const native = configureNative(options);
  if (last != null && (wanted == null || wanted === last.backend) && tf.getBackend() === last.backend) {
    if (usesNative(last.backend)) last.native = native;
    return last;
  }

  const order = wanted == null ? ORDER : [wanted, ...ORDER.filter((b) => b !== wanted && ORDER.indexOf(b) > ORDER.indexOf(wanted))];
  const skipped: BackendInfo['skipped'] = [];
  let info: BackendInfo | undefined;
  for (const b of order) {
    if (b === 'tensorflow') {
      const r = await tryTensorflow();
      if (r.ok) { info = { backend: b, reason: r.why, skipped, package: r.pkg, threads: 0, kernels: [] }; break; }
      skipped.push({ backend: b, why: r.why });
    } else if (b === 'webgpu') {
      const r = await tryWebgpu(b === wanted);
      if (r.ok) { info = { backend: b, reason: r.why, skipped, adapter: r.adapter, threads: 0, kernels: [] }; break; }
      skipped.push({ backend: b, why: r.why });
    } else if (b === 'wasm') {
      const r = await tryWasm();
      if (r.ok) { info = { backend: b, reason: r.why, skipped, simd: r.simd, threads: 1, kernels: [] }; break; }
      skipped.push({ backend: b, why: r.why });
    } else {
      require('@tensorflow/tfjs-backend-cpu');
      if (await tf.setBackend('cpu')) { info = { backend: b, reason: 'pure JS', skipped, threads: 1, kernels: [] }; break; }
      skipped.push({ backend: b, why: 'cpu backend failed to initialise' });
    }
  }
  if (info == null) throw new Error(`Error in initBackend: no backend could be initialised: ${skipped.map((s) => `${s.backend}: ${s.why}`).join('; ')}`);
  if (wanted != null) info.reason = `${source}=${wanted}; ${info.reason}`;
  await tf.ready();
  installGradients();
  info.kernels = installKernels(info.backend);
  if (usesNative(info.backend)) info.native = native;
  if (!options.quiet) {
    const nat = info.native == null ? '' : `; native kernels ${info.native.enabled ? 'on' : 'off'} (${info.native.why})`;
    const extra = (info.backend === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${info.threads} thread${nat})` : nat ? ` (${nat.slice(2)})` : '');
    const why = [info.reason, ...skipped.map((s) => `${s.backend} skipped: ${s.why}`)].join('; ');
    console.log(`[afl/backend] using ${info.backend}${extra}: ${why}; ${info.kernels.length} kernels installed`);
  }
  last = info;
  return info;
}
