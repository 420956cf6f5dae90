/**
 * bench/models/paper-memory: the paper's five 3-D networks at the PI-CAI crop (input 1x24x160x128x3, the `paper`
 * profile's model options: levelStrides(4, min 2) -> [[2,2,2],[2,2,2],[2,2,2],[1,2,2]], RegUNet the first three,
 * ResNet50 U-Net the 'smp' preset; 1 output channel) build and run ONE training step (forward + backward + SGD update)
 * on one backend (default webgpu), one model per child process. Reports parameters (PyTorch convention), the step's
 * wall time and the peak of TF.js's tensor memory during the step (`tf.profile(...).peakBytes`: bytes of the tensors
 * TF.js allocated - on webgpu its GPU buffers - not the driver's own overhead, the buffer pool's free buffers or the
 * weights' optimizer state beyond what the step allocates), plus the resident bytes before the step (weights, input).
 *
 * `peakBytes` is TF.js's own count: the maximum of tf.memory().numBytes after each kernel, so it includes the resident
 * tensors, counts a tensor that shares another's buffer (a reshape) again, and leaves out a kernel's internal scratch.
 * Those bytes are the same on every backend (same shapes, float32): measure on wasm (AFL_NATIVE=1: native
 * convolutions, seconds per step) where the step fits its 4 GiB heap, else on cpu (JS heap; give it room).
 *
 * Usage: npm run build && npx tsc -p bench/models && \
 *        AFL_NATIVE=1 NODE_OPTIONS=--max-old-space-size=16000 node bench/dist/models/paper-memory.js
 *        [--models unet,regunet --backend webgpu|wasm|cpu --timeout 3600 --json out.json]
 * (children inherit NODE_OPTIONS; a child past --timeout seconds is killed and its row says so).
 * Not run in CI (minutes per model; a paper-size step on a software WebGPU driver takes far longer).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, releaseBackend } from '@afl/backend';
import { countParameters, createModel, CreateModelOptions, ModelName, MODEL_NAMES } from '@afl/models';

const INPUT = [24, 160, 128];
const STRIDES: number[][] = [[2, 2, 2], [2, 2, 2], [2, 2, 2], [1, 2, 2]];

interface Row {
  model: ModelName; backend?: string; adapter?: string; params?: number; stepS?: number; buildS?: number;
  peakMiB?: number; residentMiB?: number; newTensors?: number; kernels?: number; loss?: number; error?: string;
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

/** The `paper` profile's createModel options (packages/experiments/src/grid/model-options.ts) for PI-CAI. */
function paperOptions(model: ModelName): CreateModelOptions {
  const base: CreateModelOptions = { spatialDims: 3, inChannels: 3, outChannels: 1, inputShape: INPUT };
  if (model === 'resnet50-unet') return { ...base, preset: 'smp' };
  if (model === 'regunet') return { ...base, strides: STRIDES.slice(0, 3) };
  return { ...base, strides: STRIDES };
}

async function runOne(model: ModelName, backend: string): Promise<Row> {
  const info = await initBackend({ backend: backend as never, quiet: true });
  if (info.backend !== backend) throw new Error(`backend ${backend} unavailable: ${info.skipped.map((s) => `${s.backend}: ${s.why}`).join('; ')}`);
  const adapter = info.adapter ? `${info.adapter.description || info.adapter.device}${info.adapter.isSoftware ? ' (software)' : ''}` : undefined;
  const t0 = performance.now();
  const m = createModel(model, paperOptions(model));
  const x = tf.randomUniform([1, ...INPUT, 3], -1, 1, 'float32', 1);
  const y = tf.cast(tf.greater(tf.randomUniform([1, ...INPUT, 1], 0, 1, 'float32', 2), 0.95), 'float32');
  const buildS = (performance.now() - t0) / 1000;
  const residentMiB = tf.memory().numBytes / 2 ** 20;
  const opt = tf.train.sgd(0.01);
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  let loss = NaN;
  const t1 = performance.now();
  const prof = await tf.profile(async () => {
    const l = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars)!;
    loss = (await l.data())[0];
    l.dispose();
  });
  const stepS = (performance.now() - t1) / 1000;
  const row: Row = { model, backend: info.backend, adapter, params: countParameters(m), buildS, stepS,
    peakMiB: prof.peakBytes / 2 ** 20, residentMiB, newTensors: prof.newTensors, kernels: prof.kernels.length, loss };
  tf.dispose([x, y]);
  opt.dispose();
  m.dispose();
  await releaseBackend();
  return row;
}

async function main(): Promise<void> {
  const child = arg('child', '');
  const backend = arg('backend', 'webgpu');
  if (child) {
    const row = await runOne(child as ModelName, backend).catch((e: Error) => ({ model: child, error: e.message.split('\n')[0] }));
    process.stdout.write(`ROW ${JSON.stringify(row)}\n`);
    process.exit(0);
  }
  const models = arg('models', MODEL_NAMES.join(',')).split(',') as ModelName[];
  const timeout = Number(arg('timeout', '3600'));
  const rows: Row[] = [];
  console.log(`one training step at 1x${INPUT.join('x')}x3 on ${backend}, one model per process`);
  console.log('| model | params | peak tensor memory per step | resident before the step | step time | tensors | kernels |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const model of models) {
    const out = spawnSync(process.execPath, [__filename, '--child', model, '--backend', backend],
      { encoding: 'utf8', timeout: timeout * 1000, maxBuffer: 1 << 24 });
    const line = (out.stdout ?? '').split('\n').find((l) => l.startsWith('ROW '));
    const row: Row = line ? JSON.parse(line.slice(4)) as Row
      : { model, error: out.error ? `${out.error.message} (timeout ${timeout} s?)` : `exit ${out.status} ${out.signal ?? ''}: ${(out.stderr ?? '').split('\n').filter((l) => l && !l.startsWith('Warning: max')).slice(-2).join(' ')}` };
    rows.push(row);
    if (row.error) console.log(`| ${model} | - | - | - | - | - | - |  error: ${row.error}`);
    else console.log(`| ${model} | ${(row.params! / 1e6).toFixed(2)} M | ${row.peakMiB!.toFixed(0)} MiB | ${row.residentMiB!.toFixed(0)} MiB | ${row.stepS!.toFixed(1)} s | ${row.newTensors} | ${row.kernels} |`);
  }
  const json = arg('json', '');
  if (json) fs.writeFileSync(json, JSON.stringify(rows, null, 2));
}

void main();
