import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The compiled addon (`native/conv.c`); arrays are float32 views, conv geometry an Int32Array of 21 sizes. */
export interface NativeAddon {
  convForward(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: Int32Array): void;
  convBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  convBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  /** Sets the thread count (OpenBLAS and the OpenMP tile loops) when n > 0; returns the count in use. */
  setThreads(n: number): number;
  /**
   * Whether products use the AVX-512 register tiles (`native/small-gemm.h`,
   * compiled in with -march=native on AVX-512 CPUs) or cblas_sgemm. Sets it
   * when given; returns the setting in use (false when the tiles are not compiled in).
   */
  useTiles(on?: boolean): boolean;
  /** sums[j] += sum over rows i of x[i, j], and with y, products[j] += sum of x[i, j] * y[i, j], in one pass; x is [M, channels]. */
  channelSums(x: Float32Array, channels: number, sums: Float64Array, y?: Float32Array, products?: Float64Array): void;
  /** out[i, j] = x[i, j] * a[j] + y[i, j] * b[j] + d[j] (y, b optional), then max(0, .) when relu. out may be x. */
  affineChannels(out: Float32Array, x: Float32Array, a: Float32Array, d: Float32Array, y?: Float32Array | null, b?: Float32Array | null, relu?: boolean): void;
  /** Copy the box begin/size of a row-major dims array from src into a dense out (or, with paste, back); one memcpy per run. */
  copyBox(out: ArrayBufferView, src: ArrayBufferView, dims: Int32Array, begin: Int32Array, size: Int32Array, paste: boolean): void;
  /** Max-pooling gradient, windows == strides, no padding; geometry [N, D, H, W, C, sd, sh, sw] of x (2-D: D = sd = 1). */
  maxPoolGrad(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** Max pooling, windows == strides, no padding (NaN wins, as in tfjs); same geometry as maxPoolGrad. */
  maxPool(x: Float32Array, y: Float32Array, geometry: Int32Array): void;
}

/** Where the build (`scripts/build-native.js`) puts the addon. */
export const NATIVE_ADDON_PATH = path.join(__dirname, '..', 'native', 'afl_native.node');

/**
 * The addon is compiled with -march=native: loading it on another CPU could
 * stop the process with an illegal instruction, so it is only loaded on the
 * machine (platform, arch, CPU model and flags) that built it. Returns why
 * not, or undefined when the record in `file` matches this machine.
 */
export function addonHostMismatch(file = path.join(path.dirname(NATIVE_ADDON_PATH), 'host.json')): string | undefined {
  if (!fs.existsSync(file)) return 'was built without a host record (host.json); rebuild: npm run build -w @afl/backend';
  const built = JSON.parse(fs.readFileSync(file, 'utf8')) as { platform: string; arch: string; cpu: string; flags: string };
  let flags = '';
  try {
    flags = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m) ?? ['', ''])[1].trim();
  } catch {
    // not Linux: compare the model name only
  }
  const here = { platform: process.platform, arch: process.arch, cpu: os.cpus()[0]?.model ?? '', flags };
  const same = built.platform === here.platform && built.arch === here.arch && built.cpu === here.cpu && built.flags === here.flags;
  return same ? undefined : `was built for another CPU (${built.cpu || built.arch}); rebuild it here: npm run build -w @afl/backend`;
}

let addon: NativeAddon | null | undefined;
let loadError = '';
let enabled = true;

/** The addon, or null when it was not built or does not load (see `nativeStatus().why`). */
export function nativeAddon(): NativeAddon | null {
  if (addon === undefined) {
    if (!fs.existsSync(NATIVE_ADDON_PATH)) {
      addon = null;
      const log = path.join(path.dirname(NATIVE_ADDON_PATH), 'build.log');
      loadError = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').pop() ?? 'not built' : 'not built';
    } else {
      const mismatch = addonHostMismatch();
      try {
        if (mismatch != null) throw new Error(mismatch);
        addon = require(NATIVE_ADDON_PATH) as NativeAddon;
      } catch (e) {
        addon = null;
        loadError = mismatch ?? `does not load: ${(e as Error).message.split('\n')[0]}`;
      }
    }
  }
  return addon;
}

/**
 * Turn the native kernels (convolutions, batch-norm passes, per-channel sums)
 * on or off; they are on by default when the addon loads.
 */
export function setNativeKernels(on: boolean): void {
  enabled = on;
}

/** The addon when it is loaded and enabled, else null (kernels then use their tfjs/JS formulations). */
export function activeNativeAddon(): NativeAddon | null {
  return enabled ? nativeAddon() : null;
}

function describe(a: NativeAddon): string {
  const tiles = a.useTiles();
  return `${tiles ? 'AVX-512 register tiles' : 'im2col + OpenBLAS sgemm'}, ${a.setThreads(0)} thread(s)`;
}

/** Whether the native kernels are available and in use, and why not. */
export function nativeStatus(): { available: boolean; enabled: boolean; why: string } {
  const a = nativeAddon();
  return { available: a != null, enabled: enabled && a != null, why: a != null ? describe(a) : loadError };
}
