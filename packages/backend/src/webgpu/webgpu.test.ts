import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BackendInfo, initBackend, releaseBackend } from '../init-backend';
import { batchNormalization, conv3dTranspose, upSampling3d, upSample3d } from '../layers/index';
import { randn, randomTensor } from '../testing/grad-check';
import { CONV_CASES, OP_CASES } from '../testing/gradient-cases';
import { tinyUNet } from '../testing/tiny-unet';
import { compareWebgpuWithCpu, computeOn, describeWebgpuVsCpu, REQUIRE_WEBGPU, switchTo, WEBGPU_TOLERANCE, webgpuStatus } from '../testing/webgpu';
import { softwareAdapterReason } from './dawn-setup';

/** y = f(xs) and the gradients of <y, R> (fixed random R) with respect to every input. */
function outputAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed = 11): () => tf.Tensor[] {
  return () => tf.tidy(() => {
    const xs = shapes.map((s, i) => randomTensor(s, seed + i));
    const y = f(...xs);
    const r = tf.tensor(Float32Array.from(randn(y.size, 7919)), y.shape);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), r)))(xs);
    return [y, ...grads];
  });
}

describe('softwareAdapterReason', () => {
  it('names llvmpipe, SwiftShader and fallback adapters, and passes hardware', () => {
    assert.match(softwareAdapterReason({ vendor: 'mesa', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7' }), /llvmpipe/);
    assert.match(softwareAdapterReason({ vendor: 'google', description: 'SwiftShader Device (Subzero)' }), /SwiftShader/i);
    assert.equal(softwareAdapterReason({ vendor: 'x', isFallbackAdapter: true }), 'isFallbackAdapter');
    assert.equal(softwareAdapterReason({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 550.54.15' }), '');
  });
});

describe('initBackend with webgpu', () => {
  it('automatic order (fresh process): webgpu only on a hardware adapter, else skipped with the reason; the process exits', async (t) => {
    const st = await webgpuStatus();
    if (!st.ok && !REQUIRE_WEBGPU) { t.skip(`webgpu unavailable: ${st.why}`); return; }
    const wg = await initBackend({ backend: 'webgpu', quiet: true });
    assert.equal(wg.backend, 'webgpu', JSON.stringify(wg.skipped));
    assert.ok(wg.adapter != null && wg.adapter.limits.maxBufferSize > 0);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.AFL_BACKEND;
    const script = `require(${JSON.stringify(path.join(__dirname, '..', 'index.js'))}).initBackend({ quiet: true }).then((i) => console.log('INFO ' + JSON.stringify(i)))`;
    const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(out.status, 0, out.stderr);
    const info = JSON.parse(out.stdout.split('\n').find((l) => l.startsWith('INFO '))!.slice(5)) as BackendInfo;
    if (wg.adapter!.isSoftware) {
      assert.notEqual(info.backend, 'webgpu');
      assert.match(info.skipped.find((e) => e.backend === 'webgpu')?.why ?? '', /software adapter.*asked for by name/);
    } else {
      assert.equal(info.backend, 'webgpu');
    }
  });

  it('releaseBackend destroys the device and a later initBackend creates a new one', async (t) => {
    const st = await webgpuStatus();
    if (!st.ok && !REQUIRE_WEBGPU) { t.skip(`webgpu unavailable: ${st.why}`); return; }
    await switchTo('webgpu');
    const a = await (tf.add(tf.ones([4]), 1)).data();
    assert.deepEqual(Array.from(a), [2, 2, 2, 2]);
    await releaseBackend();
    assert.equal(tf.getBackend(), 'cpu');
    await switchTo('webgpu');
    const b = tf.mul(tf.ones([3]), 3);
    assert.deepEqual(Array.from(await b.data()), [3, 3, 3]);
    b.dispose();
    const big = tf.add(tf.ones([4096]), 1);
    assert.throws(() => big.dataSync(), /OffscreenCanvas/);
    big.dispose();
    await initBackend({ backend: 'cpu', quiet: true });
  });
});

describeWebgpuVsCpu('convolution gradients', (test) => {
  for (const [name, xShape, wShape, f] of CONV_CASES) {
    test(`${name}: output, input and filter gradients (tolerance ${WEBGPU_TOLERANCE.conv})`, async () => {
      await compareWebgpuWithCpu(outputAndGrads(f as (...xs: tf.Tensor[]) => tf.Tensor, [xShape, wShape], 1), WEBGPU_TOLERANCE.conv, ['output', 'dx', 'dw']);
    });
  }
});

describeWebgpuVsCpu('op gradients', (test) => {
  for (const [name, shapes, f] of OP_CASES) {
    const tol = /batchNorm/i.test(name) ? WEBGPU_TOLERANCE.layers : WEBGPU_TOLERANCE.ops;
    test(`${name}: output and gradients (tolerance ${tol})`, async () => {
      await compareWebgpuWithCpu(outputAndGrads(f, shapes), tol);
    });
  }
});

describeWebgpuVsCpu('layers', (test) => {
  const tol = WEBGPU_TOLERANCE.layers;

  test(`batchNormalization rank 5, training: output, dx, dgamma, dbeta, moving statistics (tolerance ${tol})`, async () => {
    await compareWebgpuWithCpu(() => {
      const bn = batchNormalization({ momentum: 0.8 });
      bn.build([null, 3, 4, 5, 2]);
      bn.setWeights([tf.tensor1d([1.5, 0.5]), tf.tensor1d([0.1, -0.2]), tf.zeros([2]), tf.ones([2])]);
      const x = tf.add(tf.mul(randomTensor([2, 3, 4, 5, 2], 4), 3), 1);
      const r = randomTensor([2, 3, 4, 5, 2], 5);
      const vars = bn.trainableWeights.map((w) => w.read() as tf.Variable);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(bn.apply(t, { training: true }) as tf.Tensor, r)) as tf.Scalar;
      const y = bn.apply(x, { training: true }) as tf.Tensor;
      const dx = tf.grad(f)(x);
      const { grads } = tf.variableGrads(() => f(x), vars);
      return [y, dx, ...vars.map((v) => grads[v.name]), ...bn.getWeights().slice(2).map((w) => w.clone())];
    }, tol, ['y', 'dx', 'dgamma', 'dbeta', 'movingMean', 'movingVariance']);
  });

  for (const interpolation of ['nearest', 'trilinear'] as const) {
    test(`upSampling3d ${interpolation}: output and gradient (tolerance ${WEBGPU_TOLERANCE.ops})`, async () => {
      await compareWebgpuWithCpu(outputAndGrads((t) => upSample3d(t as tf.Tensor5D, [2, 2, 3], interpolation), [[1, 2, 3, 2, 2]], 6), WEBGPU_TOLERANCE.ops);
    });
  }

  test(`conv3dTranspose layer: kernel and bias gradients (tolerance ${WEBGPU_TOLERANCE.conv})`, async () => {
    await compareWebgpuWithCpu(() => {
      const layer = conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2, kernelInitializer: 'ones' });
      const x = randomTensor([1, 2, 3, 2, 3], 7);
      layer.build(x.shape);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar,
        layer.trainableWeights.map((w) => w.read() as tf.Variable));
      return Object.values(grads);
    }, WEBGPU_TOLERANCE.conv);
  });

  test(`a saved model with these layers loads on webgpu with cpu's output (tolerance ${tol})`, async () => {
    await switchTo('cpu');
    const input = tfl.input({ shape: [4, 6, 6, 2] });
    let x = tfl.layers.conv3d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    x = batchNormalization({ momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling3d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    x = conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
    x = upSampling3d({ size: [1, 2, 2], interpolation: 'trilinear' }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: x });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const [ref] = await computeOn('cpu', () => [model.predict(randomTensor([1, 4, 6, 6, 2], 8)) as tf.Tensor]);
    model.dispose();
    await switchTo('webgpu');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const [got] = await computeOn('webgpu', () => [loaded.predict(randomTensor([1, 4, 6, 6, 2], 8)) as tf.Tensor]);
    loaded.dispose();
    let d = 0;
    let m = 0;
    ref.forEach((v, i) => { d = Math.max(d, Math.abs(v - got[i])); m = Math.max(m, Math.abs(v)); });
    assert.ok(d / m < tol, `max |webgpu - cpu| / max |cpu| = ${d / m}`);
  });

  for (const [dims, shape] of [[2, [12, 16, 3]], [3, [4, 8, 8, 2]]] as const) {
    test(`tiny ${dims}-D U-Net: loss and every weight gradient (tolerance ${WEBGPU_TOLERANCE.unet} of each weight's scale + 1e-5 of the largest)`, async () => {
      await switchTo('cpu');
      const model = tinyUNet(dims, [...shape]);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const run = () => tf.tidy(() => {
        const x = randomTensor([2, ...shape], 21);
        const y = tf.tensor(Float32Array.from(randn(2 * (shape as readonly number[]).slice(0, -1).reduce((a: number, b: number) => a * b, 1) * 2, 3), (v) => (v > 0 ? 1 : 0)), [2, ...shape.slice(0, -1), 2]);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
        return [value, ...vars.map((v) => grads[v.name])];
      });
      const ref = await computeOn('cpu', run);
      const got = await computeOn('webgpu', run);
      model.dispose();
      assert.ok(Math.abs(got[0][0] - ref[0][0]) < 1e-5 * Math.abs(ref[0][0]) + 1e-6, `loss ${got[0][0]} vs ${ref[0][0]}`);
      const scale = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const global = Math.max(...ref.slice(1).map(scale));
      ref.slice(1).forEach((r, i) => {
        const g = got[i + 1];
        const local = scale(r);
        let d = 0;
        r.forEach((v, j) => { d = Math.max(d, Math.abs(v - g[j])); });
        assert.ok(d <= WEBGPU_TOLERANCE.unet * local + 1e-5 * global, `weight ${model.trainableWeights[i].name}: max difference ${d} (scale ${local})`);
      });
    });
  }

  test('20 SGD steps of the tiny 3-D U-Net on webgpu keep the tensor count flat and lower the loss (async reads)', async () => {
    await switchTo('webgpu');
    const model = tinyUNet(3, [4, 8, 8, 2]);
    const x = randomTensor([1, 4, 8, 8, 2], 22);
    const y = tf.tensor(Float32Array.from(randn(4 * 8 * 8 * 2, 4), (v) => (v > 0 ? 1 : 0)), [1, 4, 8, 8, 2]);
    const opt = tf.train.sgd(0.05);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = async () => {
      const l = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars)!;
      const v = (await l.data())[0];
      l.dispose();
      return v;
    };
    const first = await step();
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = await step();
    assert.equal(tf.memory().numTensors, count);
    assert.ok(last < first, `loss ${first} -> ${last}`);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });
});
