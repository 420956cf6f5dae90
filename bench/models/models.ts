/**
 * bench/models: for each @afl/models model, 2-D (input 1x128x128x3) and 3-D (input 1x24x160x128x3, the paper's
 * PI-CAI crop), on each installed TF.js backend: parameters (PyTorch convention), forward time, forward + backward
 * time (median of --reps after one warm-up), and the peak RSS of the process that ran that case (each case runs in
 * its own child process, with --timeout seconds). When /usr/bin/python3 has torch, the same sizes are timed in
 * PyTorch for the models its installed libraries provide (models_torch.py beside this file).
 *
 * Usage: npm run bench:models [-- --models unet,resnet50-unet --dims 2,3 --backends cpu,wasm --config default|preset
 *        --reps 3 --timeout 600 --json out.json]
 * Not run in CI.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { countParameters, createModel, CreateModelOptions, ModelName, MODEL_NAMES } from '@afl/models';

interface Case { model: ModelName; dims: 2 | 3; backend: string; config: 'default' | 'preset'; reps: number }
interface Row extends Partial<Case> {
  params?: number; forwardMs?: number; trainMs?: number; peakRssMb?: number; error?: string; input?: string;
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const INPUT: Record<2 | 3, number[]> = { 2: [128, 128], 3: [24, 160, 128] };
/** 3-D strides that keep 24 x 160 x 128 divisible (depth halved less often than H and W). */
const STRIDES_3D: Partial<Record<ModelName, CreateModelOptions['strides']>> = {
  'unet': [[1, 2, 2], [2, 2, 2], [2, 2, 2], [1, 2, 2]],
  'attention-unet': [[1, 2, 2], [2, 2, 2], [2, 2, 2], [1, 2, 2]],
  'r2unet': [[1, 2, 2], [2, 2, 2], [2, 2, 2], [1, 2, 2]],
  'regunet': [[1, 2, 2], [2, 2, 2], [2, 2, 2]],
};
const PRESET: Partial<Record<ModelName, CreateModelOptions['preset']>> = {
  'unet': 'classic', 'attention-unet': 'classic', 'r2unet': 'classic', 'resnet50-unet': 'smp',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function selectBackend(name: string): Promise<void> {
  try {
    const backend = require('@afl/backend') as { initBackend?: (o: object) => Promise<unknown> };
    if (typeof backend.initBackend === 'function') {
      await backend.initBackend({ backend: name, quiet: true });
      if (tf.getBackend() === name) return;
    }
  } catch {
    // fall back to plain setBackend
  }
  if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to start`);
}

async function runCase(c: Case): Promise<Row> {
  await selectBackend(c.backend);
  const shape = [1, ...INPUT[c.dims], 3];
  const options: CreateModelOptions = { spatialDims: c.dims, inChannels: 3, outChannels: 2 };
  if (c.config === 'preset' && PRESET[c.model]) options.preset = PRESET[c.model];
  if (c.dims === 3 && STRIDES_3D[c.model]) options.strides = STRIDES_3D[c.model];
  const model = createModel(c.model, options);
  const x = tf.randomUniform(shape, -1, 1, 'float32', 1);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const forward = async () => {
    const t0 = performance.now();
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
    return performance.now() - t0;
  };
  const train = async () => {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    await Promise.all(Object.values(grads).map((g) => g.data()));
    tf.dispose([value, grads]);
    return performance.now() - t0;
  };
  await forward();
  const f: number[] = [];
  for (let i = 0; i < c.reps; i++) f.push(await forward());
  await train();
  const b: number[] = [];
  for (let i = 0; i < c.reps; i++) b.push(await train());
  const row: Row = { ...c, input: shape.join('x'), params: countParameters(model), forwardMs: median(f),
    trainMs: median(b), peakRssMb: process.resourceUsage().maxRSS / 1024 };
  model.dispose();
  x.dispose();
  return row;
}

function torchRows(models: string[], dims: number[], reps: number, config: string): Row[] {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log('\nPyTorch: /usr/bin/python3 has no torch (apt-get install python3-torch) - no comparison.');
    return [];
  }
  const script = path.join(__dirname, '..', '..', 'models', 'models_torch.py');
  const out = spawnSync('/usr/bin/python3', [script, models.join(','), dims.join(','), String(reps), config],
    { encoding: 'utf8', timeout: 3600_000 });
  if (out.status !== 0) {
    console.log(`PyTorch comparison failed: ${out.stderr.split('\n').slice(-3).join(' ')}`);
    return [];
  }
  return out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
}

function fmt(v: number | undefined, digits = 0): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

async function main(): Promise<void> {
  const child = arg('child', '');
  if (child) {
    const row = await runCase(JSON.parse(child) as Case).catch((e: Error) => ({ error: e.message.split('\n')[0] }));
    process.stdout.write(`ROW ${JSON.stringify(row)}\n`);
    return;
  }
  const models = arg('models', MODEL_NAMES.join(',')).split(',') as ModelName[];
  const dims = arg('dims', '2,3').split(',').map(Number) as (2 | 3)[];
  const backends = arg('backends', 'cpu,wasm').split(',');
  const config = arg('config', 'default') as Case['config'];
  const reps = Number(arg('reps', '3'));
  const timeout = Number(arg('timeout', '600'));
  const rows: Row[] = [];
  console.log(`| model | config | dims | input | backend | params | forward ms | fwd+bwd ms | peak RSS MB |`);
  console.log(`|---|---|---|---|---|---:|---:|---:|---:|`);
  for (const model of models) {
    for (const d of dims) {
      for (const backend of backends) {
        const c: Case = { model, dims: d, backend, config, reps };
        const out = spawnSync(process.execPath, [__filename, '--child', JSON.stringify(c)],
          { encoding: 'utf8', timeout: timeout * 1000, maxBuffer: 1 << 24 });
        const line = (out.stdout ?? '').split('\n').find((l) => l.startsWith('ROW '));
        const row: Row = line ? { ...c, ...JSON.parse(line.slice(4)) }
          : { ...c, error: out.error ? `timeout after ${timeout} s` : `exit ${out.status}: ${(out.stderr ?? '').trim().split('\n').pop()}` };
        rows.push(row);
        console.log(`| ${model} | ${config} | ${d}-D | ${row.input ?? [1, ...INPUT[d], 3].join('x')} | ${backend} | ` +
          `${row.params?.toLocaleString('en-US') ?? '-'} | ${fmt(row.forwardMs)} | ${fmt(row.trainMs)} | ` +
          `${fmt(row.peakRssMb)} |${row.error ? ` ${row.error}` : ''}`);
      }
    }
  }
  const torch = torchRows(models, dims, reps, config);
  for (const r of torch) {
    console.log(`| ${r.model} | ${config} | ${r.dims}-D | ${r.input} | pytorch | ${r.params?.toLocaleString('en-US') ?? '-'} | ` +
      `${fmt(r.forwardMs)} | ${fmt(r.trainMs)} | ${fmt(r.peakRssMb)} |${r.error ? ` ${r.error}` : ''}`);
  }
  const json = arg('json', '');
  if (json) fs.writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), rows: [...rows, ...torch] }, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
