import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { has3dTraining, importWeights, kerasToTorchName, loadResnet50Weights, readStateDict, resnetEncoder,
  StateDict, writeStateDict, NamedTensor, inflateKernel, tileInputChannels } from '../index';
import { loadH5wasm } from './read-keras-h5';
import { permute } from './state-dict';
import { seededRandom, setupBackend } from '../testing/helpers';

const TINY = { baseWidth: 2, blocks: [1, 1, 1, 1] };
let dir: string;

before(async () => {
  assert.ok(await setupBackend('cpu'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-weights-'));
});

/** A random torchvision-layout state dict for the tiny encoder (what the README's Python exporter writes). */
function syntheticTorchStateDict(seed: number): StateDict {
  const rand = seededRandom(seed);
  const model = resnetEncoder({ ...TINY, inChannels: 3 });
  const tensors = new Map<string, NamedTensor>();
  for (const layer of model.layers) {
    if (!layer.name.startsWith('encoder_')) continue;
    const module = layer.name.slice(8).replace(/_/g, '.');
    for (const w of layer.weights) {
      const shape = w.shape as number[];
      const n = shape.reduce((p, d) => p * d, 1);
      const local = w.originalName.split('/').pop()!;
      if (local === 'kernel') {
        const tfjs = { shape, data: new Float32Array(n).map(() => (rand() * 2 - 1) * 0.5) };
        tensors.set(`${module}.weight`, permute(tfjs, [3, 2, 0, 1]));
      } else {
        const key = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' }[local]!;
        const data = new Float32Array(n).map(() => (key === 'running_var' ? 0.5 + rand() : key === 'weight'
          ? 0.5 + rand() : (rand() * 2 - 1) * 0.2));
        tensors.set(`${module}.${key}`, { shape, data });
      }
    }
  }
  tensors.set('fc.weight', { shape: [10, 8], data: new Float32Array(80) });
  model.dispose();
  return { layout: 'torch', tensors };
}

function torchToKerasLayer(module: string): string {
  if (module === 'conv1') return 'conv1_conv';
  if (module === 'bn1') return 'conv1_bn';
  const m = /^layer(\d)\.(\d+)\.(conv|bn|downsample\.)(\d)$/.exec(module)!;
  const prefix = `conv${Number(m[1]) + 1}_block${Number(m[2]) + 1}`;
  if (m[3] === 'downsample.') return `${prefix}_0_${m[4] === '0' ? 'conv' : 'bn'}`;
  return `${prefix}_${m[4]}_${m[3]}`;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst <= tol, `${what}: max |diff| ${worst} > ${tol}`);
}

function encoderFeatures(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const out = model.predict(x);
  return Array.isArray(out) ? out : [out];
}

test('Keras layer names map to torchvision modules (both Keras naming schemes)', () => {
  assert.deepEqual(kerasToTorchName('conv1_conv'), { module: 'conv1', kind: 'conv' });
  assert.deepEqual(kerasToTorchName('bn_conv1'), { module: 'bn1', kind: 'bn' });
  assert.deepEqual(kerasToTorchName('conv3_block2_3_bn'), { module: 'layer2.1.bn3', kind: 'bn' });
  assert.deepEqual(kerasToTorchName('conv5_block1_0_conv'), { module: 'layer4.0.downsample.0', kind: 'conv' });
  assert.deepEqual(kerasToTorchName('res4f_branch2b'), { module: 'layer3.5.conv2', kind: 'conv' });
  assert.deepEqual(kerasToTorchName('bn2a_branch1'), { module: 'layer1.0.downsample.1', kind: 'bn' });
  assert.equal(kerasToTorchName('fc1000'), undefined);
});

test('inflateKernel and tileInputChannels', () => {
  const k = { shape: [1, 1, 3, 1], data: new Float32Array([3, 6, 9]) };
  assert.deepEqual(Array.from(inflateKernel(k, 3).data), [1, 2, 3, 1, 2, 3, 1, 2, 3]);
  assert.deepEqual(inflateKernel(k, 3).shape, [3, 1, 1, 3, 1]);
  const t = tileInputChannels(k, 4);
  assert.deepEqual(t.shape, [1, 1, 4, 1]);
  expectClose(t.data, [2.25, 4.5, 6.75, 2.25], 1e-6, 'tiled');
});

test('torchvision state dict (afl-state-dict manifest) imports into the cache and loads by name', async () => {
  const torch = syntheticTorchStateDict(1);
  const src = writeStateDict(path.join(dir, 'torch', 'resnet50.json'), torch);
  const { manifest, tensors } = await importWeights(src, path.join(dir, 'cache'));
  assert.equal(tensors, torch.tensors.size - 1, 'fc.* dropped');
  const cached = readStateDict(manifest);
  assert.equal(cached.layout, 'tfjs');
  const model = resnetEncoder({ ...TINY, inChannels: 3 });
  const r = loadResnet50Weights(model, manifest);
  assert.equal(r.inflated, 0);
  assert.equal(r.tiledInput, false);
  // conv1: torch [out, in, kh, kw] -> tfjs [kh, kw, in, out]
  const src1 = torch.tensors.get('conv1.weight')!;
  const k = model.getLayer('encoder_conv1').getWeights()[0];
  const kd = k.arraySync() as number[][][][];
  const [o, i, y, x] = [1, 2, 3, 5];
  assert.equal(kd[y][x][i][o], src1.data[((o * 3 + i) * 7 + y) * 7 + x]);
  const mean = model.getLayer('encoder_layer3_0_bn2').getWeights()[2];
  assert.deepEqual(Array.from(mean.dataSync()), Array.from(torch.tensors.get('layer3.0.bn2.running_mean')!.data));
  model.dispose();
});

test('Keras HDF5 (written with h5wasm) imports: names mapped, conv biases folded into the BN moving mean', async () => {
  const torch = syntheticTorchStateDict(2);
  const tfjs = new Map<string, NamedTensor>();
  const h5 = await loadH5wasm();
  const File = (h5 as unknown as { File: new (p: string, m: string) => any }).File;
  const f = new File(path.join(dir, 'keras.h5'), 'w');
  const rand = seededRandom(3);
  const biases = new Map<string, Float32Array>(); // by the BN module that follows the conv
  // Keras layout: /<layer>/<layer>/<weight>:0; convs have a bias, and Keras's moving_mean is PyTorch's mean + bias.
  for (const [key, t] of torch.tensors) {
    if (key.startsWith('fc.')) continue;
    const module = key.replace(/\.(weight|bias|running_mean|running_var)$/, '');
    const leaf = key.slice(module.length + 1);
    const layer = torchToKerasLayer(module);
    const group = f.get(layer) ?? f.create_group(layer);
    const inner = group.get(layer) ?? group.create_group(layer);
    if (t.shape.length === 4) {
      const k = permute(t, [2, 3, 1, 0]);
      tfjs.set(key, k);
      const bias = new Float32Array(k.shape[3]).map(() => rand() - 0.5);
      biases.set(module === 'conv1' ? 'bn1' : module.endsWith('downsample.0') ? module.replace(/0$/, '1')
        : module.replace(/conv(\d)$/, 'bn$1'), bias);
      inner.create_dataset({ name: 'kernel:0', data: k.data, shape: k.shape, dtype: '<f' });
      inner.create_dataset({ name: 'bias:0', data: bias, shape: [bias.length], dtype: '<f' });
    } else {
      tfjs.set(key, t);
      const bias = biases.get(module)!;
      const data = leaf === 'running_mean' ? t.data.map((m, i) => m + bias[i]) : t.data;
      const name = { weight: 'gamma', bias: 'beta', running_mean: 'moving_mean', running_var: 'moving_variance' }[leaf]!;
      inner.create_dataset({ name: `${name}:0`, data, shape: t.shape, dtype: '<f' });
    }
  }
  f.close();

  const { manifest } = await importWeights(path.join(dir, 'keras.h5'), path.join(dir, 'cache-keras'));
  const cached = readStateDict(manifest);
  assert.equal(cached.tensors.size, tfjs.size);
  for (const [key, t] of tfjs) {
    const got = cached.tensors.get(key);
    assert.ok(got, `cached ${key}`);
    assert.deepEqual(got.shape, t.shape, key);
    expectClose(got.data, t.data, 1e-6, key);
  }
  const model = resnetEncoder({ ...TINY, inChannels: 3 });
  assert.equal(loadResnet50Weights(model, manifest).layers, model.layers.filter((l) => l.weights.length > 0).length);
  model.dispose();
});

test('a first conv for 6 input channels is tiled and rescaled: [x, x] gives the 3-channel features of x', () => {
  const torch = syntheticTorchStateDict(4);
  const m3 = resnetEncoder({ ...TINY, inChannels: 3 });
  const m6 = resnetEncoder({ ...TINY, inChannels: 6 });
  loadResnet50Weights(m3, torch);
  assert.equal(loadResnet50Weights(m6, torch).tiledInput, true);
  const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 5);
  const a = encoderFeatures(m3, x);
  const b = encoderFeatures(m6, tf.concat([x, x], -1));
  a.forEach((f, i) => expectClose(b[i].dataSync(), f.dataSync(), 1e-4, `feature ${i}`));
  tf.dispose([x, ...a, ...b]);
  m3.dispose();
  m6.dispose();
});

test('inflated 3-D ResNet on a volume of identical slices gives the 2-D features (interior slice)',
  { skip: has3dTraining() ? false : 'skipped: 3-D forward needs @afl/backend rank-5 batch norm' }, () => {
    const torch = syntheticTorchStateDict(6);
    const m2 = resnetEncoder({ ...TINY, inChannels: 3 });
    // Depth stride 1 everywhere; depth 17 = 1 + 2 x the depth reach of the tiny encoder (3 + 1 + 4 x 1), so the
    // centre slice never sees the zero padding at the volume's ends.
    const m3 = resnetEncoder({ ...TINY, inChannels: 3, spatialDims: 3, strides: [[1, 2, 2], [1, 2, 2], [1, 2, 2],
      [1, 2, 2], [1, 2, 2]] });
    loadResnet50Weights(m2, torch);
    assert.equal(loadResnet50Weights(m3, torch).inflated, 17);
    const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 7);
    const vol = tf.tile(tf.expandDims(x, 1), [1, 17, 1, 1, 1]);
    const f2 = encoderFeatures(m2, x);
    const f3 = encoderFeatures(m3, vol);
    f2.forEach((f, i) => {
      const s = f3[i].shape;
      const centre = tf.squeeze(tf.slice(f3[i], [0, 8, 0, 0, 0], [1, 1, s[2]!, s[3]!, s[4]!]), [1]);
      const scale = Math.max(1, tf.max(tf.abs(f)).dataSync()[0]);
      expectClose(centre.dataSync(), f.dataSync(), 1e-4 * scale, `stage ${i}`);
      centre.dispose();
    });
    tf.dispose([x, vol, ...f2, ...f3]);
    m2.dispose();
    m3.dispose();
  });

test('shape mismatch and missing weights are errors naming the weight and layer', () => {
  const torch = syntheticTorchStateDict(8);
  const wide = resnetEncoder({ baseWidth: 4, blocks: [1, 1, 1, 1], inChannels: 3 });
  assert.throws(() => loadResnet50Weights(wide, torch),
    /Error in loadResnet50Weights: weight 'conv1.weight' has shape \[7, 7, 3, 2\] but layer 'encoder_conv1' expects \[7, 7, 3, 4\]/);
  wide.dispose();
  const model = resnetEncoder({ ...TINY, inChannels: 3 });
  torch.tensors.delete('layer2.0.bn1.running_var');
  assert.throws(() => loadResnet50Weights(model, torch), /lack 1 tensor\(s\) the model needs, got none for 'layer2.0.bn1.running_var'/);
  model.dispose();
});

test('importWeights rejects unknown formats and missing files', async () => {
  await assert.rejects(importWeights('weights.pt', dir), /Error in importWeights: cannot tell the format of weights.pt/);
  await assert.rejects(importWeights(path.join(dir, 'nope.h5'), dir), /Error in importWeights: file not found/);
});
