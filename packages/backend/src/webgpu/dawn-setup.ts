import * as path from 'path';

/**
 * WebGPU in Node through Dawn (the `webgpu` npm package, a prebuilt
 * `dawn.node`), for TF.js's WebGPU backend (`@tensorflow/tfjs-backend-webgpu`).
 * Both packages are optional dependencies of @afl/backend.
 */

/** The one line that says how to add the WebGPU packages. */
export const WEBGPU_INSTALL_HINT = 'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0';

/** What the WebGPU adapter is (from `GPUAdapter.info` and `.limits`). */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Driver name and version when the description carries one (e.g. `Mesa 25.0.7-2~bpo12+1`). */
  driver?: string;
  /** A CPU rasteriser (llvmpipe / lavapipe, SwiftShader, WARP, a fallback adapter). */
  isSoftware: boolean;
  /** Why it counts as software (empty when it does not). */
  softwareReason?: string;
  /** `GPUAdapter.info.isFallbackAdapter` (or the adapter's own field in older Dawn builds). */
  isFallbackAdapter?: boolean;
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupsPerDimension: number;
    maxStorageBuffersPerShaderStage: number;
  };
}

/** Structural view of the few WebGPU objects used here (no DOM typings in this package). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string; forceFallbackAdapter?: boolean }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

let dawn: { gpu: GpuLike; flags: string[] } | undefined;
let dawnError: string | undefined;

/** Dawn toggles for `create()`: the `AFL_DAWN_FLAGS` env var, comma separated (e.g. `backend=vulkan,adapter=NVIDIA`). */
export function dawnFlags(): string[] {
  return (process.env.AFL_DAWN_FLAGS ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

/** Version of an installed package, or undefined. */
export function packageVersion(name: string): string | undefined {
  try {
    const file = require.resolve(`${name}/package.json`);
    return (require(file) as { version?: string }).version;
  } catch {
    try {
      // Packages whose `exports` hide package.json: walk up from the main file.
      let dir = path.dirname(require.resolve(name));
      for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
        try {
          const pkg = require(path.join(dir, 'package.json')) as { name?: string; version?: string };
          if (pkg.name === name) return pkg.version;
        } catch { /* keep walking */ }
      }
    } catch { /* not installed */ }
    return undefined;
  }
}

/**
 * Load Dawn (`require('webgpu')`, an ES module that Node >= 20.19 can `require`)
 * and create its GPU object once. Returns the object, or why it is unavailable.
 */
export function loadDawn(): { gpu?: GpuLike; error?: string } {
  if (dawn != null) return { gpu: dawn.gpu };
  if (dawnError != null) return { error: dawnError };
  let mod: DawnModule;
  try {
    mod = require('webgpu') as DawnModule;
  } catch (e) {
    const msg = firstLine(e);
    dawnError = /Cannot find module 'webgpu'/.test(msg)
      ? `webgpu (Dawn for Node) not installed; add it with: ${WEBGPU_INSTALL_HINT}`
      : `webgpu (Dawn) failed to load: ${msg}`;
    return { error: dawnError };
  }
  try {
    const flags = dawnFlags();
    const gpu = mod.create(flags);
    // GPUBufferUsage, GPUMapMode, GPUShaderStage, ... which the TF.js backend reads as globals.
    for (const [k, v] of Object.entries(mod.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    dawn = { gpu, flags };
    return { gpu };
  } catch (e) {
    dawnError = `webgpu (Dawn) create() failed: ${firstLine(e)}`;
    return { error: dawnError };
  }
}

/**
 * Why an adapter counts as software, or '' when it looks like hardware:
 * Mesa's llvmpipe/lavapipe, SwiftShader, Microsoft's WARP (Basic Render
 * Driver), Dawn's fallback adapter, or a Vulkan device of type CPU.
 */
export function softwareAdapterReason(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean; adapterType?: string }): string {
  const text = [info.vendor, info.architecture, info.device, info.description].filter((s) => s != null).join(' ');
  const m = /llvmpipe|lavapipe|swiftshader|basic render driver|microsoft basic|\bwarp\b/i.exec(text);
  if (m != null) return `${m[0]} (a CPU rasteriser)`;
  if (info.isFallbackAdapter === true) return 'isFallbackAdapter';
  if (/^cpu$/i.test(info.adapterType ?? '') || /^software$|^cpu$/i.test(info.architecture ?? '')) return `adapter type ${info.adapterType ?? info.architecture}`;
  return '';
}

function describeAdapter(adapter: AdapterLike): AdapterDescription {
  const info = adapter.info ?? {};
  const str = (k: string) => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const isFallbackAdapter = typeof info.isFallbackAdapter === 'boolean' ? (info.isFallbackAdapter as boolean) : adapter.isFallbackAdapter;
  const d = { vendor: str('vendor'), architecture: str('architecture'), device: str('device'), description: str('description') };
  const reason = softwareAdapterReason({ ...d, isFallbackAdapter, adapterType: str('adapterType') });
  const driver = /\b(Mesa [^\s(]+|NVIDIA[^,;]*?\d+\.\d+(?:\.\d+)*|[Dd]river (?:version )?[\d.]+)/.exec(d.description)?.[1];
  const lim = (k: string) => Number(adapter.limits[k] ?? 0);
  return {
    ...d,
    ...(driver != null ? { driver } : {}),
    isSoftware: reason !== '',
    ...(reason !== '' ? { softwareReason: reason } : {}),
    ...(isFallbackAdapter != null ? { isFallbackAdapter } : {}),
    limits: {
      maxBufferSize: lim('maxBufferSize'),
      maxStorageBufferBindingSize: lim('maxStorageBufferBindingSize'),
      maxComputeWorkgroupStorageSize: lim('maxComputeWorkgroupStorageSize'),
      maxComputeInvocationsPerWorkgroup: lim('maxComputeInvocationsPerWorkgroup'),
      maxComputeWorkgroupsPerDimension: lim('maxComputeWorkgroupsPerDimension'),
      maxStorageBuffersPerShaderStage: lim('maxStorageBuffersPerShaderStage'),
    },
  };
}

let adapterCache: Promise<{ adapter?: AdapterDescription; error?: string }> | undefined;

/**
 * The adapter TF.js's WebGPU backend would get (it asks for
 * `powerPreference: 'high-performance'`), probed once per process.
 */
export function probeWebgpuAdapter(): Promise<{ adapter?: AdapterDescription; error?: string }> {
  if (adapterCache != null) return adapterCache;
  adapterCache = (async () => {
    const backendPkg = packageVersion('@tensorflow/tfjs-backend-webgpu');
    if (backendPkg == null) return { error: `@tensorflow/tfjs-backend-webgpu not installed; add it with: ${WEBGPU_INSTALL_HINT}` };
    const { gpu, error } = loadDawn();
    if (gpu == null) return { error };
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (adapter == null) {
        return { error: 'Dawn found no WebGPU adapter (no Vulkan driver/ICD visible: check `vulkaninfo --summary`, VK_ICD_FILENAMES, and in a container NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics)' };
      }
      return { adapter: describeAdapter(adapter) };
    } catch (e) {
      return { error: `requestAdapter failed: ${firstLine(e)}` };
    }
  })();
  return adapterCache;
}

/**
 * Expose Dawn's GPU object as `navigator.gpu` (Node 20 has no `navigator`;
 * Node 21+ has one without `gpu`). Must run before
 * `@tensorflow/tfjs-backend-webgpu` is required: it registers its backend only
 * when `navigator.gpu` exists at load.
 */
export function installNavigatorGpu(): { ok: boolean; error?: string } {
  const { gpu, error } = loadDawn();
  if (gpu == null) return { ok: false, error };
  const g = globalThis as { navigator?: Record<string, unknown> };
  if (g.navigator?.gpu === gpu) return { ok: true };
  try {
    if (g.navigator == null) {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true, enumerable: false });
    } else {
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
    }
  } catch {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true, enumerable: false });
  }
  return g.navigator?.gpu === gpu ? { ok: true } : { ok: false, error: 'could not set navigator.gpu' };
}
