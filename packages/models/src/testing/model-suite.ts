import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { diceLoss } from '@afl/core';
import { createModel, CreateModelOptions, ModelName, has3dTraining } from '../index';
import { blobTarget, noisyInput, seedWeights, setupBackend } from './helpers';
import { releaseBackend, setNativeKernels } from '@afl/backend';
import { maxAbsDiffRel } from '@afl/backend/dist/testing/grad-check';
import { describeWebgpuVsCpu, switchTo } from '@afl/backend/dist/testing/webgpu';

interface Case {
  name: ModelName;
  small: CreateModelOptions;
  sizes2d: number[][];
  strides3d?: CreateModelOptions['strides'];
  sizes3d: number[][];
  train3d: { size: number[]; options?: CreateModelOptions };
}

export const CASES: Case[] = [
  { name: 'unet', small: { channels: [4, 8, 16] }, sizes2d: [[16, 16], [8, 24]],
    strides3d: [[1, 2, 2], [2, 2, 2]], sizes3d: [[2, 8, 8], [4, 16, 8]],
    train3d: { size: [2, 8, 8], options: { strides: [[1, 2, 2], [2, 2, 2]] } } },
  { name: 'attention-unet', small: { channels: [4, 8, 16] }, sizes2d: [[16, 16], [12, 20]],
    strides3d: [[1, 2, 2], [2, 2, 2]], sizes3d: [[2, 8, 8], [6, 16, 8]],
    train3d: { size: [2, 8, 8], options: { strides: [[1, 2, 2], [2, 2, 2]] } } },
  { name: 'r2unet', small: { channels: [4, 8] }, sizes2d: [[16, 16], [6, 10]],
    strides3d: [[1, 2, 2]], sizes3d: [[3, 8, 8], [5, 6, 10]],
    train3d: { size: [2, 8, 8], options: { strides: [[2, 2, 2]] } } },
  { name: 'regunet', small: { numChannelInitial: 4, depth: 2 }, sizes2d: [[16, 16], [8, 12]],
    strides3d: [[1, 2, 2], [2, 2, 2]], sizes3d: [[2, 8, 8], [4, 12, 8]],
    train3d: { size: [2, 8, 8], options: { strides: [[1, 2, 2], [2, 2, 2]] } } },
  // Stage strides 2-2-2-1-1 keep the 2-D training input small (16 x 16) with a 2 x 2 bottleneck (BN over one value
  // would cut the gradient); the 3-D cases use the PI-CAI strides (default).
  { name: 'resnet50-unet', small: { baseWidth: 4, blocks: [1, 1, 1, 1], decoderChannels: [16, 8, 8, 4, 4],
    strides: [2, 2, 2, 1, 1] }, sizes2d: [[16, 16], [32, 16]], sizes3d: [[24, 160, 128], [12, 32, 64]],
    train3d: { size: [2, 16, 16], options: { baseWidth: 2, decoderChannels: [8, 4, 4, 4, 4],
      strides: [[1, 2, 2], [1, 2, 2], [2, 2, 2], [1, 1, 1], [1, 1, 1]] } } },
];

const NO_3D = 'skipped: @afl/backend does not export layers.batchNormalization/upSampling3d/conv3dTranspose yet';

/** Gradients reach every trainable weight; 30 SGD steps lower the Dice loss; no step leaks a tensor. */
export function trainsAndReachesEveryWeight(name: ModelName, options: CreateModelOptions, size: number[],
  learningRate = 0.1): void {
  const model = createModel(name, options);
  seedWeights(model, 7);
  const y = blobTarget(size, options.outChannels ?? 1);
  const x = noisyInput(y, options.inChannels ?? 1, 11);
  const loss = () => diceLoss(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;

  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, vars);
  value.dispose();
  // A conv bias followed by batch norm has a zero gradient in exact arithmetic (the norm removes any
  // per-channel shift), so in float32 it is rounding noise that may be exactly 0: biases need a finite
  // gradient, and the biases together (the heads' are not normalised) a non-zero one.
  let biasGradSum = 0;
  let biases = 0;
  for (const w of model.trainableWeights) {
    const g = grads[(w.read() as tf.Variable).name];
    assert.ok(g, `gradient reaches ${w.name}`);
    const size = tf.tidy(() => tf.sum(tf.abs(g)).arraySync() as number);
    assert.ok(Number.isFinite(size), `gradient of ${w.name} is finite`);
    if (/\/bias$/.test(w.name)) {
      biases++;
      biasGradSum += size;
    }
    else assert.ok(size > 0, `gradient of ${w.name} is non-zero`);
  }
  if (biases > 0) assert.ok(biasGradSum > 0, 'the bias gradients are not all zero');
  tf.dispose(grads);

  const optimizer = tf.train.sgd(learningRate);
  const losses: number[] = [];
  for (let step = 0; step < 30; step++) {
    const before = tf.memory().numTensors;
    const cost = optimizer.minimize(loss, true, vars)!;
    losses.push(cost.dataSync()[0]);
    cost.dispose();
    if (step > 0) assert.equal(tf.memory().numTensors, before, 'a training step leaks no tensor');
  }
  const first = losses[0];
  const last = Math.min(...losses.slice(-5));
  assert.ok(last < 0.75 * first,
    `loss went from ${first.toFixed(4)} to ${last.toFixed(4)}: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  optimizer.dispose();
  tf.dispose([x, y]);
  model.dispose();
}

/**
 * Tolerances of the models on webgpu against cpu, each as max |webgpu - cpu| over a tensor divided by max |cpu| of
 * that tensor. Training-mode forward (batch norm on the batch's statistics) and the gradient of every trainable
 * weight; float32 on both sides, the GPU summing convolutions and reductions in another order. A weight whose
 * gradient is rounding noise in exact arithmetic (a conv bias followed by batch norm) is compared against the largest
 * gradient of the model instead (`gradientFloor` of it).
 */
export const WEBGPU_MODEL_TOLERANCE = { output: 1e-4, loss: 1e-5, gradient: 1e-3, gradientFloor: 1e-2 } as const;

/** Output, Dice loss and every trainable weight's gradient of one training-mode forward/backward pass. */
function forwardAndGradients(name: ModelName, options: CreateModelOptions, size: number[]): tf.Tensor[] {
  const model = createModel(name, options);
  seedWeights(model, 7);
  const out = tf.tidy(() => {
    const y = blobTarget(size, options.outChannels ?? 1);
    const x = noisyInput(y, options.inChannels ?? 1, 11);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let logits: tf.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const out = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
      logits = out;
      return diceLoss(y, out) as tf.Scalar;
    }, vars);
    return [logits as unknown as tf.Tensor, value, ...vars.map((v) => grads[v.name])];
  });
  model.dispose();
  return out;
}

/**
 * Runs {@link forwardAndGradients} on cpu and on webgpu and checks them against {@link WEBGPU_MODEL_TOLERANCE}. The
 * cpu reference uses TF.js's own kernels (`@afl/backend`'s native kernels off), so that it checks webgpu alone.
 */
async function compareModelOnWebgpu(name: ModelName, options: CreateModelOptions, size: number[]): Promise<Record<string, number>> {
  const runs: Float32Array[][] = [];
  for (const backend of ['cpu', 'webgpu'] as const) {
    await switchTo(backend);
    setNativeKernels(backend !== 'cpu');
    const ts = forwardAndGradients(name, options, size);
    setNativeKernels(true);
    runs.push(await Promise.all(ts.map(async (t) => Float32Array.from(await t.data()))));
    tf.dispose(ts);
  }
  const [cpu, gpu] = runs;
  const T = WEBGPU_MODEL_TOLERANCE;
  const output = maxAbsDiffRel(gpu[0], cpu[0]);
  const loss = maxAbsDiffRel(gpu[1], cpu[1]);
  assert.ok(output <= T.output, `${name} ${size}: output deviates by ${output} (tolerance ${T.output})`);
  assert.ok(loss <= T.loss, `${name} ${size}: loss deviates by ${loss} (tolerance ${T.loss})`);
  const largest = Math.max(...cpu.slice(2).map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  let gradient = 0;
  cpu.slice(2).forEach((g, i) => {
    let d = 0;
    let m = 0;
    for (let k = 0; k < g.length; k++) {
      d = Math.max(d, Math.abs(gpu[i + 2][k] - g[k]));
      m = Math.max(m, Math.abs(g[k]));
    }
    const err = d / Math.max(m, T.gradientFloor * largest);
    gradient = Math.max(gradient, err);
    assert.ok(err <= T.gradient, `${name} ${size}: gradient ${i} deviates by ${err} (tolerance ${T.gradient})`);
  });
  return { output, loss, gradient };
}

/** The shared suite every model runs (its own test file, so node --test spreads models over cores). */
export function describeModel(name: ModelName): void {
  const c = CASES.find((k) => k.name === name)!;
  before(async () => {
    assert.ok(await setupBackend('cpu'));
  });
  describe(c.name, () => {
    test('2-D output shape is input spatial x outChannels for several sizes', () => {
      for (const size of c.sizes2d) {
        const model = createModel(c.name, { ...c.small, inChannels: 3, outChannels: 2 });
        const before = tf.memory().numTensors;
        const y = tf.tidy(() => model.predict(tf.zeros([2, ...size, 3])) as tf.Tensor);
        assert.deepEqual(y.shape, [2, ...size, 2]);
        y.dispose();
        assert.equal(tf.memory().numTensors, before, 'predict leaks no tensor');
        model.dispose();
      }
    });

    test('3-D model builds with anisotropic strides; symbolic output shape is input spatial x outChannels', () => {
      for (const size of c.sizes3d) {
        const model = createModel(c.name, { ...c.small, spatialDims: 3, strides: c.strides3d, inChannels: 3,
          outChannels: 2, inputShape: size });
        assert.deepEqual(model.outputs[0].shape, [null, ...size, 2]);
        model.dispose();
      }
    });

    test('3-D output shape is input spatial x outChannels for several sizes (needs @afl/backend)',
      { skip: has3dTraining() ? false : NO_3D }, () => {
        // Sizes up to 30k voxels run for real (the PI-CAI-sized case above is checked symbolically).
        const sizes = c.sizes3d.filter((s) => s.reduce((p, d) => p * d, 1) <= 30_000);
        assert.ok(sizes.length > 0);
        const model = createModel(c.name, { ...c.small, spatialDims: 3, strides: c.strides3d, inChannels: 2,
          outChannels: 2 });
        for (const size of sizes) {
          const before = tf.memory().numTensors;
          const y = tf.tidy(() => model.predict(tf.zeros([1, ...size, 2])) as tf.Tensor);
          assert.deepEqual(y.shape, [1, ...size, 2]);
          y.dispose();
          assert.equal(tf.memory().numTensors, before, 'predict leaks no tensor');
        }
        model.dispose();
      });

    test('2-D: 30 SGD steps of Dice loss drive the loss down; gradients reach every trainable weight', () => {
      trainsAndReachesEveryWeight(c.name, { ...c.small, inChannels: 1, outChannels: 1 }, c.sizes2d[0]);
    });

    test('3-D: 30 SGD steps of Dice loss drive the loss down; gradients reach every trainable weight',
      { skip: has3dTraining() ? false : NO_3D }, () => {
        trainsAndReachesEveryWeight(c.name, { ...c.small, ...c.train3d.options, spatialDims: 3, inChannels: 1,
          outChannels: 2 }, c.train3d.size, 0.3);
      });
  });

  describeWebgpuVsCpu(`${c.name}: forward and gradient of every weight`, (webgpuTest) => {
    after(async () => {
      await releaseBackend();
      assert.ok(await setupBackend('cpu'));
    });
    webgpuTest('2-D and 3-D training-mode forward, Dice loss and every weight gradient equal cpu within WEBGPU_MODEL_TOLERANCE', async () => {
      const d2 = await compareModelOnWebgpu(c.name, { ...c.small, inChannels: 1, outChannels: 1 }, c.sizes2d[0]);
      const d3 = has3dTraining()
        ? await compareModelOnWebgpu(c.name, { ...c.small, ...c.train3d.options, spatialDims: 3, inChannels: 1, outChannels: 2 }, c.train3d.size)
        : null;
      console.log(`# ${c.name} webgpu vs cpu, largest relative deviations: 2-D ${JSON.stringify(d2)}; 3-D ${JSON.stringify(d3)}`);
    });
  });

  describe(`${c.name} on wasm (through @afl/backend)`, () => {
    let ok = false;
    before(async () => {
      ok = await setupBackend('wasm');
    });
    after(async () => {
      assert.ok(await setupBackend('cpu'));
    });
    test('2-D and 3-D: 30 SGD steps of Dice loss drive the loss down on wasm', (t) => {
      if (!ok) return t.skip('wasm backend not available through @afl/backend initBackend');
      trainsAndReachesEveryWeight(c.name, { ...c.small, inChannels: 1, outChannels: 1 }, c.sizes2d[0]);
      if (has3dTraining()) {
        trainsAndReachesEveryWeight(c.name, { ...c.small, ...c.train3d.options, spatialDims: 3, inChannels: 1,
          outChannels: 2 }, c.train3d.size, 0.3);
      }
    });
  });
}
