import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization, conv3dTranspose, upSampling3d, upSample3d } from './index';
import { gradCheck, maxAbsDiffRel, maxRelError, randomTensor } from '../testing/grad-check';
import { describeOnEachBackend } from '../testing/backends';

function tinyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 6, 6, 2] });
  let x = tfl.layers.conv3d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  x = batchNormalization({ momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling3d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
  x = upSampling3d({ size: [1, 2, 2], interpolation: 'trilinear' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

describeOnEachBackend('layers', () => {
  it('batchNormalization normalises rank-5 inputs per channel in training', () => {
    const bn = batchNormalization({});
    const x = tf.add(tf.mul(randomTensor([2, 3, 4, 5, 3], 3), 4), 7);
    const y = bn.apply(x, { training: true }) as tf.Tensor;
    assert.deepEqual(y.shape, x.shape);
    const { mean, variance } = tf.moments(y, [0, 1, 2, 3]);
    assert.ok(maxAbsDiffRel(mean.dataSync(), [0, 0, 0]) < 1e-4 || Math.max(...mean.dataSync().map(Math.abs)) < 1e-4);
    for (const v of variance.dataSync()) assert.ok(Math.abs(v - 1) < 1e-2, `variance ${v}`);
    tf.dispose([x, y, mean, variance]);
  });

  it('batchNormalization rank 5 equals rank 4 on the folded tensor and has correct gradients', () => {
    const x = randomTensor([2, 3, 4, 5, 2], 4);
    const bn = batchNormalization({});
    bn.build([null, 3, 4, 5, 2]);
    bn.setWeights([tf.tensor1d([1.5, 0.5]), tf.tensor1d([0.1, -0.2]), tf.zeros([2]), tf.ones([2])]);
    const f = (t: tf.Tensor) => bn.apply(t, { training: true }) as tf.Tensor;
    const err = maxRelError(gradCheck(f, [x], { h: 1e-2 }));
    assert.ok(err < 2e-2, `max relative error ${err}`);
    const y5 = f(x);
    const y4 = bn.call(tf.reshape(x, [2, 12, 5, 2]), { training: true }) as tf.Tensor;
    assert.ok(maxAbsDiffRel(y5.dataSync(), y4.dataSync()) < 1e-5);
    tf.dispose([x, y5, y4]);
  });

  it('batchNormalization training matches the stock layer (output, moving stats, all gradients)', () => {
    const x = tf.add(tf.mul(randomTensor([2, 5, 6, 3], 9), 3), 1);
    const weights = [tf.tensor1d([1.5, 0.5, -1]), tf.tensor1d([0.1, -0.2, 0.3]), tf.zeros([3]), tf.ones([3])];
    const ours = batchNormalization({ momentum: 0.8 });
    const stock = tfl.layers.batchNormalization({ momentum: 0.8 });
    for (const l of [ours, stock]) {
      l.build(x.shape);
      l.setWeights(weights);
    }
    const run = (l: tfl.layers.Layer) => {
      const vars = l.trainableWeights.map((w) => w.read() as tf.Variable);
      const r = tf.randomNormal(x.shape, 0, 1, 'float32', 5);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(l.apply(t, { training: true }) as tf.Tensor, r)) as tf.Scalar;
      const dx = tf.grad(f)(x);
      const { grads } = tf.variableGrads(() => f(x), vars);
      return [dx, ...vars.map((v) => grads[v.name]), ...l.getWeights().slice(2)];
    };
    const a = run(ours);
    const b = run(stock);
    a.forEach((t, i) => assert.ok(maxAbsDiffRel(t.dataSync(), b[i].dataSync()) < 1e-4, `tensor ${i}`));
    tf.dispose([x, ...a, ...b]);
  });

  it('upSampling3d nearest repeats voxels', () => {
    const x = tf.reshape(tf.range(0, 8), [1, 2, 2, 2, 1]);
    const y = upSampling3d({ size: [2, 1, 3] }).apply(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 4, 2, 6, 1]);
    const b = y.bufferSync();
    assert.equal(b.get(0, 3, 1, 5, 0), 7);
    assert.equal(b.get(0, 2, 0, 2, 0), 4);
    tf.dispose([x, y]);
  });

  it('upSampling3d trilinear equals half-pixel bilinear when depth is not scaled', () => {
    const x = randomTensor([1, 2, 3, 4, 2], 5);
    const y = upSample3d(x as tf.Tensor5D, [1, 2, 2], 'trilinear');
    const ref = tf.image.resizeBilinear(tf.reshape(x, [2, 3, 4, 2]) as tf.Tensor4D, [6, 8], false, true);
    assert.ok(maxAbsDiffRel(y.dataSync(), ref.dataSync()) < 1e-5);
    tf.dispose([x, y, ref]);
  });

  for (const interpolation of ['nearest', 'trilinear'] as const) {
    it(`upSampling3d ${interpolation} gradients match central differences`, () => {
      const x = randomTensor([1, 2, 3, 2, 2], 6);
      const err = maxRelError(gradCheck((t) => upSample3d(t as tf.Tensor5D, [2, 2, 3], interpolation), [x], { h: 0.5 }));
      x.dispose();
      assert.ok(err < 1e-4, `max relative error ${err}`);
    });
  }

  it('conv3dTranspose layer trains (kernel and bias get gradients)', () => {
    const layer = conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2 });
    const x = randomTensor([1, 2, 3, 2, 3], 7);
    layer.build(x.shape);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar,
      layer.trainableWeights.map((w) => w.read() as tf.Variable));
    assert.equal(Object.keys(grads).length, 2);
    for (const g of Object.values(grads)) assert.ok(tf.norm(g).dataSync()[0] > 0);
    tf.dispose([x, ...Object.values(grads)]);
  });

  it('a model with these layers saves and loads back with the same output', async () => {
    const model = tinyModel();
    const x = randomTensor([1, 4, 6, 6, 2], 8);
    const y = model.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 4, 12, 12, 2]);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const json = JSON.stringify(saved!.modelTopology);
    assert.match(json, /AflBatchNormalization/);
    assert.match(json, /UpSampling3D/);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const y2 = loaded.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiffRel(y2.dataSync(), y.dataSync()) < 1e-6);
    tf.dispose([x, y, y2]);
    model.dispose();
    loaded.dispose();
  });
});
