/**
 * bench/train-step: median training-step time (batch 1, forward + backward +
 * SGD) of a 2-D U-Net (base 16, 4 levels, input 1x128x128x3) and a 3-D U-Net
 * (base 8, 3 levels, input 1x24x64x64x3) on each available TF.js backend, and
 * the same models in PyTorch when Debian's python3 has torch
 * (apt-get install python3-torch). Prints TF.js/PyTorch ratios and GFLOP/s.
 *
 * Usage: npm run bench:train-step [-- --backends wasm,cpu --native on,off --threads 2 --steps 7 --rss 1000]
 *        npm run bench:train-step -- --backends webgpu [--size default|small|picai --steps 3 --warmup 1]
 *
 * --size default: the sizes above; small: 2-D 1x32x32x3, 3-D 1x8x32x32x3 (proves a backend runs, e.g. webgpu on
 * a software adapter); picai: the 3-D U-Net at the PI-CAI crop 1x24x160x128x3 (2-D U-Net at 1x160x128x3).
 * --warmup: untimed steps before the timed ones (default 2; 1 on cpu).
 *
 * --backends webgpu: every read is `await t.data()` (webgpu has no synchronous read; the same on all backends).
 * Its GFLOP/s are printed without the CPU-peak percentage, and its PyTorch reference is PyTorch on CUDA
 * (train-step.py runs it, `torch.cuda.synchronize()` around each step, when `torch.cuda.is_available()`); the
 * target there is the 3-D U-Net at --size picai within 3x PyTorch CUDA's step time.
 * AFL_PYTHON names the Python with torch (default /usr/bin/python3).
 *
 * --threads sets the native kernels' threads (default: initBackend's choice)
 * and PyTorch's (torch.set_num_threads), so both sides use the same number.
 *
 * --native on (default) uses @afl/backend's native addon (convolutions, batch
 * norm) when it was built; off runs the tfjs/JS kernels only; on,off runs both.
 * GFLOP/s are reported against the machine's fp32 peak measured in the same run
 * (the faster of the addon's AVX-512 tiles and OpenBLAS sgemm on a
 * 2048x1024x1024 product), or the nominal 200 GFLOP/s without the addon.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, layers, nativeAddon, nativeStatus, releaseBackend, setNativeKernels, BackendName } from '@afl/backend';

type Dims = 2 | 3;
interface Spec { name: string; dims: Dims; shape: number[]; base: number; levels: number }

const SIZES: Record<string, Spec[]> = {
  default: [
    { name: 'unet2d', dims: 2, shape: [1, 128, 128, 3], base: 16, levels: 4 },
    { name: 'unet3d', dims: 3, shape: [1, 24, 64, 64, 3], base: 8, levels: 3 },
  ],
  small: [
    { name: 'unet2d', dims: 2, shape: [1, 32, 32, 3], base: 16, levels: 4 },
    { name: 'unet3d', dims: 3, shape: [1, 8, 32, 32, 3], base: 8, levels: 3 },
  ],
  picai: [
    { name: 'unet2d', dims: 2, shape: [1, 160, 128, 3], base: 16, levels: 4 },
    { name: 'unet3d', dims: 3, shape: [1, 24, 160, 128, 3], base: 8, levels: 3 },
  ],
};
let SPECS: Spec[] = SIZES.default;
/** The Python that runs train-step.py: AFL_PYTHON (e.g. a venv with a CUDA build of torch), else Debian's. */
const PYTHON = process.env.AFL_PYTHON ?? '/usr/bin/python3';
let warmup: number | undefined;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

/** Conv FLOPs (2 * MACs) of one forward pass, counted while building. */
let flops = 0;

function conv(dims: Dims, x: tfl.SymbolicTensor, filters: number, kernel: number, stride = 1, transpose = false): tfl.SymbolicTensor {
  const args = { filters, kernelSize: kernel, strides: stride, padding: 'same' as const, useBias: true };
  const layer = dims === 2
    ? (transpose ? tfl.layers.conv2dTranspose(args) : tfl.layers.conv2d(args))
    : (transpose ? layers.conv3dTranspose(args) : tfl.layers.conv3d(args));
  const y = layer.apply(x) as tfl.SymbolicTensor;
  const cin = x.shape[x.shape.length - 1] as number;
  const vox = (transpose ? x.shape : y.shape).slice(1, -1).reduce((p: number, v) => p * (v as number), 1);
  flops += 2 * vox * cin * filters * kernel ** dims;
  return y;
}

function block(dims: Dims, x: tfl.SymbolicTensor, filters: number): tfl.SymbolicTensor {
  for (let i = 0; i < 2; i++) {
    x = conv(dims, x, filters, 3);
    x = layers.batchNormalization({}).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  }
  return x;
}

/** Plain U-Net: double conv-BN-ReLU per level, max-pool down, transposed conv up, concat skip, 1x1 head. */
export function buildUNet(spec: Spec, classes = 2): { model: tfl.LayersModel; flops: number } {
  flops = 0;
  const { dims, base, levels } = spec;
  const input = tfl.input({ shape: spec.shape.slice(1) });
  let x = input;
  const skips: tfl.SymbolicTensor[] = [];
  for (let l = 0; l < levels; l++) {
    x = block(dims, x, base * 2 ** l);
    if (l < levels - 1) {
      skips.push(x);
      x = (dims === 2 ? tfl.layers.maxPooling2d({ poolSize: 2 }) : tfl.layers.maxPooling3d({ poolSize: 2 })).apply(x) as tfl.SymbolicTensor;
    }
  }
  for (let l = levels - 2; l >= 0; l--) {
    x = conv(dims, x, base * 2 ** l, 2, 2, true);
    x = tfl.layers.concatenate().apply([x, skips[l]]) as tfl.SymbolicTensor;
    x = block(dims, x, base * 2 ** l);
  }
  x = conv(dims, x, classes, 1);
  return { model: tfl.model({ inputs: input, outputs: x }), flops };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One SGD step; returns the loss (read back with `await data()`, so the step is complete; webgpu has no dataSync). */
function makeStep(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): () => Promise<number> {
  const opt = tf.train.sgd(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return async () => {
    const loss = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars)!;
    const v = (await loss.data())[0];
    loss.dispose();
    return v;
  };
}

interface Timing { ms: number; minMs: number; gflops: number }

/** fp32 GFLOP/s of a 2048x1024x1024 product: the addon's tiles and OpenBLAS, whichever is faster. */
function measurePeak(): { gflops: number; how: string } {
  const addon = nativeAddon();
  if (addon == null) return { gflops: 200, how: 'nominal (native addon not built)' };
  const [m, k, n] = [2048, 1024, 1024];
  const a = new Float32Array(m * k).fill(0.5);
  const b = new Float32Array(k * n).fill(0.25);
  const c = new Float32Array(m * n);
  const g = Int32Array.from([1, 1, 1, m, k, 1, 1, m, n, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
  const tiles = addon.useTiles();
  const rates: Record<string, number> = {};
  for (const t of tiles ? [true, false] : [false]) {
    addon.useTiles(t);
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      addon.convForward(a, b, c, g);
      times.push(performance.now() - t0);
    }
    rates[t ? 'AVX-512 tiles' : 'OpenBLAS sgemm'] = (2 * m * k * n) / (Math.min(...times.slice(1)) * 1e6);
  }
  addon.useTiles(tiles);
  const best = Object.entries(rates).sort((x, y) => y[1] - x[1])[0];
  return { gflops: best[1], how: Object.entries(rates).map(([h, r]) => `${h} ${r.toFixed(0)}`).join(', ') };
}

let peak = { gflops: 200, how: '' };
let threads: number | undefined;

async function benchBackend(backend: BackendName, native: boolean, steps: number): Promise<Record<string, Timing>> {
  const info = await initBackend({ backend, quiet: true, threads });
  if (info.backend !== backend) return {};
  setNativeKernels(native);
  const gpu = backend === 'webgpu';
  const label = backend === 'tensorflow' || gpu ? backend : `${backend}${native && nativeStatus().enabled ? '+native' : ''}`;
  if (gpu && info.adapter) {
    console.log(`webgpu adapter: ${info.adapter.description || info.adapter.device} (${info.adapter.vendor}${info.adapter.isSoftware ? `, software: ${info.adapter.softwareReason ?? ''}` : ''})`);
  }
  const out: Record<string, Timing> = {};
  for (const spec of SPECS) {
    const { model, flops: f } = buildUNet(spec);
    const x = tf.randomNormal(spec.shape, 0, 1, 'float32', 1);
    const y = tf.randomUniform([...spec.shape.slice(0, -1), 2], 0, 1, 'float32', 2);
    const step = makeStep(model, x, y);
    const n = backend === 'cpu' ? Math.max(1, Math.min(steps, 2)) : steps;
    for (let i = 0; i < (warmup ?? (backend === 'cpu' ? 1 : 2)); i++) await step();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await step();
      times.push(performance.now() - t);
    }
    const ms = median(times);
    const minMs = Math.min(...times);
    out[spec.name] = { ms, minMs, gflops: (3 * f) / (ms * 1e6) };
    console.log(`${label.padEnd(12)} ${spec.name}: ${ms.toFixed(0).padStart(6)} ms/step (median of ${n}; fastest ${minMs.toFixed(0)}), `
      + `${(3 * f / 1e9).toFixed(2)} GFLOP/step (conv fwd x3) -> ${(3 * f / (ms * 1e6)).toFixed(1)} GFLOP/s`
      + `${gpu ? '' : ` = ${((100 * 3 * f) / (ms * 1e6) / peak.gflops).toFixed(1)}% of the ${peak.gflops.toFixed(0)} GFLOP/s CPU peak`}; tensors ${tf.memory().numTensors}`);
    tf.dispose([x, y]);
    model.dispose();
  }
  if (gpu) await releaseBackend();
  return out;
}

/**
 * PyTorch timings (median and fastest step) on `devices` ('cpu', 'cuda'; keys of CUDA runs prefixed 'cuda_'), or
 * undefined without torch. CUDA runs only when torch.cuda.is_available() (else `cuda` is null and `cuda_why` says why).
 */
function torchReference(steps: number, threads: number, devices: string[]): Record<string, number | string | null> | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log(`PyTorch: ${PYTHON} has no torch (apt-get install python3-torch, or AFL_PYTHON=<python with torch>); skipping the reference`);
    return undefined;
  }
  const script = path.join(__dirname, '..', 'train-step.py');
  const specs = JSON.stringify(SPECS.map(({ name, dims, shape, base, levels }) => ({ name, dims, shape, base, levels })));
  const line = execFileSync(PYTHON, [script, String(steps), String(threads), specs, devices.join(',')], { encoding: 'utf8' })
    .trim().split('\n').pop()!;
  const r = JSON.parse(line) as Record<string, number | string | null>;
  const fmt = (p: string): string => SPECS.map((s) => `${s.name} ${(r[`${p}${s.name}_ms`] as number).toFixed(1)} ms/step (fastest ${(r[`${p}${s.name}_min_ms`] as number).toFixed(1)})`).join(', ');
  if (devices.includes('cpu')) console.log(`PyTorch ${r.torch} CPU (${r.threads} threads): ${fmt('')}`);
  if (devices.includes('cuda')) console.log(r.cuda ? `PyTorch ${r.torch} CUDA (${r.cuda}): ${fmt('cuda_')}` : `PyTorch CUDA: not measured (${r.cuda_why})`);
  return r;
}

/** Train `steps` steps of the 2-D U-Net and print RSS and tensor count every 10%. */
async function rssRun(backend: BackendName, steps: number): Promise<void> {
  const info = await initBackend({ backend, quiet: true, threads });
  console.log(`${info.backend}, native kernels ${info.native?.enabled ? 'on' : 'off'}`);
  const { model } = buildUNet(SPECS[0]);
  const x = tf.randomNormal(SPECS[0].shape);
  const y = tf.randomUniform([...SPECS[0].shape.slice(0, -1), 2]);
  const step = makeStep(model, x, y);
  for (let i = 1; i <= steps; i++) {
    await step();
    if (i === 1 || i % Math.max(1, Math.floor(steps / 10)) === 0) {
      const m = process.memoryUsage();
      console.log(`step ${String(i).padStart(5)}: rss ${(m.rss / 2 ** 20).toFixed(0)} MiB, tensors ${tf.memory().numTensors}, tf bytes ${(tf.memory().numBytes / 2 ** 20).toFixed(1)} MiB`);
    }
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('bench/train-step [--backends tensorflow,wasm,cpu|webgpu] [--native on|off|on,off] [--threads N] [--steps 7] '
      + '[--warmup 2] [--size default|small|picai] [--rss N]');
    return;
  }
  const size = arg('size', 'default');
  if (SIZES[size] == null) throw new Error(`--size ${size}: one of ${Object.keys(SIZES).join(', ')}`);
  SPECS = SIZES[size];
  warmup = arg('warmup', '') === '' ? undefined : Number(arg('warmup', ''));
  const steps = Number(arg('steps', '7'));
  const rss = Number(arg('rss', '0'));
  threads = arg('threads', '') === '' ? undefined : Number(arg('threads', ''));
  if (rss > 0) return rssRun(arg('backends', 'wasm').split(',')[0] as BackendName, rss);
  const backends = arg('backends', 'tensorflow,wasm,cpu').split(',') as BackendName[];
  const natives = arg('native', 'on').split(',').map((v) => v === 'on');
  const info = await initBackend({ backend: 'cpu', quiet: true, threads });
  const torchThreads = threads ?? (info.native?.enabled ? nativeAddon()!.setThreads(0) : 1);
  peak = measurePeak();
  console.log(`machine fp32 peak, measured now: ${peak.gflops.toFixed(0)} GFLOP/s (${peak.how}); native addon: ${nativeStatus().why}`);
  // The machine is shared: PyTorch runs before and after the TF.js runs and the
  // ratios use the mean of the two, so load drift does not favour either side.
  const devices = [...(backends.some((b) => b !== 'webgpu') ? ['cpu'] : []), ...(backends.includes('webgpu') ? ['cuda'] : [])];
  const before = torchReference(steps, torchThreads, devices);
  const results: Record<string, Record<string, Timing>> = {};
  for (const b of backends) {
    for (const native of b === 'tensorflow' || b === 'webgpu' ? [false] : natives) {
      const r = await benchBackend(b, native, steps);
      if (Object.keys(r).length > 0) results[`${b}${native && nativeStatus().enabled ? '+native' : ''}`] = r;
    }
  }
  const after = before != null ? torchReference(steps, torchThreads, devices) : undefined;
  for (const [b, r] of Object.entries(results)) {
    const gpu = b === 'webgpu';
    const p = gpu ? 'cuda_' : '';
    const ref = gpu ? 'PyTorch CUDA' : 'PyTorch CPU';
    for (const s of SPECS) {
      if (r[s.name] == null) continue;
      const med = [before?.[`${p}${s.name}_ms`], after?.[`${p}${s.name}_ms`]];
      const min = [before?.[`${p}${s.name}_min_ms`], after?.[`${p}${s.name}_min_ms`]];
      if (typeof med[0] !== 'number' || typeof med[1] !== 'number') {
        const why = before == null ? 'no torch' : gpu ? String(before.cuda_why ?? 'no CUDA') : 'no reference';
        console.log(`ratio ${b}/${s.name}: TF.js/${ref} not measured (${why})`);
        continue;
      }
      const ratio = r[s.name].ms / ((med[0] + med[1]) / 2);
      const target = gpu ? 3 : s.dims === 3 ? 1.2 : 2;
      console.log(`ratio ${b}/${s.name}: TF.js/${ref} = ${ratio.toFixed(2)} on medians, `
        + `${(r[s.name].minMs / Math.min(min[0] as number, min[1] as number)).toFixed(2)} on fastest steps `
        + `(target <= ${target}${gpu && size !== 'picai' ? ', set for --size picai' : ''}: ${ratio <= target ? 'met' : 'missed'})`);
    }
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
