import * as fs from 'fs';
import * as os from 'os';
import { BACKEND_NAMES, BackendName, initBackend, wasmBinaryDir } from './init-backend';
import { nativeStatus } from './native/native-addon';
import { packageVersion, probeWebgpuAdapter, WEBGPU_INSTALL_HINT, AdapterDescription } from './webgpu/dawn-setup';

/** One backend in `describeBackends`' report. */
export interface BackendReport {
  backend: BackendName;
  available: boolean;
  /** Why (not): package, adapter, binaries, ... in one line. */
  detail: string;
  /** tensorflow: the package that loads; webgpu: the adapter; wasm: SIMD, threads, native kernels. */
  package?: string;
  adapter?: AdapterDescription;
  simd?: boolean;
  native?: { enabled: boolean; why: string; cpuFlags: string[] };
  threads?: number;
}

/** What `afl doctor` prints. */
export interface BackendsReport {
  node: string;
  platform: string;
  cpu: { model: string; cores: number; flags: string[] };
  packages: Record<string, string | null>;
  backends: BackendReport[];
  /** The backend `initBackend()` picks automatically (AFL_BACKEND unset), and why. */
  automatic: { backend: BackendName; reason: string };
}

const PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** SIMD flags of interest from /proc/cpuinfo (Linux; empty elsewhere). */
export function cpuSimdFlags(): string[] {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    const flags = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
    return ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_tile'].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

/**
 * Which TF.js backends work here and why (not), and which one `initBackend()`
 * would pick automatically. Probes each backend (it switches the active
 * backend; call `initBackend` afterwards to choose one).
 */
export async function describeBackends(): Promise<BackendsReport> {
  const packages: Record<string, string | null> = {};
  for (const p of PACKAGES) packages[p] = packageVersion(p) ?? null;
  const flags = cpuSimdFlags();
  const backends: BackendReport[] = [];
  const saved = process.env.AFL_BACKEND;
  delete process.env.AFL_BACKEND;
  try {
    // tensorflow
    const tfInfo = await initBackend({ backend: 'tensorflow', quiet: true });
    backends.push(tfInfo.backend === 'tensorflow'
      ? { backend: 'tensorflow', available: true, detail: tfInfo.reason.replace(/^options\.backend=\w+; /, ''), package: tfInfo.package }
      : { backend: 'tensorflow', available: false, detail: tfInfo.skipped.find((s) => s.backend === 'tensorflow')?.why ?? 'not loadable' });
    // webgpu
    const probe = await probeWebgpuAdapter();
    if (probe.adapter == null) {
      backends.push({ backend: 'webgpu', available: false, detail: probe.error ?? `unavailable; ${WEBGPU_INSTALL_HINT}` });
    } else {
      const wg = await initBackend({ backend: 'webgpu', quiet: true });
      const a = probe.adapter;
      const name = `${a.description || a.device} (${a.vendor}${a.architecture ? `, ${a.architecture}` : ''})`;
      backends.push(wg.backend === 'webgpu'
        ? { backend: 'webgpu', available: true, adapter: a,
          detail: a.isSoftware ? `software adapter ${name}: ${a.softwareReason}; used only with AFL_BACKEND=webgpu` : `hardware adapter ${name}` }
        : { backend: 'webgpu', available: false, adapter: a, detail: wg.skipped.find((s) => s.backend === 'webgpu')?.why ?? 'failed' });
    }
    // wasm
    const bin = wasmBinaryDir();
    const wasm = bin.error == null ? await initBackend({ backend: 'wasm', quiet: true }) : undefined;
    const st = nativeStatus();
    const native = { enabled: st.enabled, why: st.why, cpuFlags: flags };
    backends.push(wasm?.backend === 'wasm'
      ? { backend: 'wasm', available: true, detail: wasm.reason.replace(/^options\.backend=\w+; /, ''), simd: wasm.simd, threads: wasm.threads, native }
      : { backend: 'wasm', available: false, detail: bin.error ?? wasm?.skipped.find((s) => s.backend === 'wasm')?.why ?? 'failed', native });
    // cpu
    const cpu = await initBackend({ backend: 'cpu', quiet: true });
    backends.push({ backend: 'cpu', available: cpu.backend === 'cpu', detail: 'pure JS (slow; the native kernels run its convolutions when built)', native });
  } finally {
    if (saved != null) process.env.AFL_BACKEND = saved;
  }
  // The automatic choice, by initBackend's rule: the first available in order, webgpu only on hardware.
  const pick = backends.find((b) => b.available && !(b.backend === 'webgpu' && b.adapter?.isSoftware));
  const skipped = backends.filter((b) => BACKEND_NAMES.indexOf(b.backend) < BACKEND_NAMES.indexOf(pick?.backend ?? 'cpu'));
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism?.() ?? os.cpus().length, flags },
    packages,
    backends,
    automatic: { backend: pick?.backend ?? 'cpu', reason: skipped.map((b) => `${b.backend}: ${b.available ? 'software adapter' : 'unavailable'}`).join('; ') || 'first in order' },
  };
}
