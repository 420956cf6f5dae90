import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createModel, CreateModelOptions, loadModel, ModelName, saveModel, has3dTraining } from '../index';
import { seededRandom } from '../testing/helpers';

before(async () => {
  await tf.setBackend('cpu');
});

const SMALL: [ModelName, CreateModelOptions, number[]][] = [
  ['unet', { channels: [4, 8, 16], decoder: 'upsample' }, [16, 16]],
  ['attention-unet', { channels: [4, 8] }, [8, 8]],
  ['r2unet', { channels: [4, 8] }, [8, 8]],
  ['regunet', { numChannelInitial: 4, depth: 2 }, [8, 8]],
  ['resnet50-unet', { baseWidth: 2, blocks: [1, 1, 1, 1], decoderChannels: [8, 8, 4, 4, 4] }, [32, 32]],
];

function randomInput(shape: number[], seed: number): tf.Tensor {
  const rand = seededRandom(seed);
  return tf.tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => rand() * 2 - 1), shape);
}

for (const [name, options, size] of SMALL) {
  test(`${name}: saveModel/loadModel round trip gives bit-identical outputs`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `afl-models-${name}-`));
    try {
      const model = createModel(name, { ...options, inChannels: 2, outChannels: 2 });
      // Non-trivial BN statistics, so a lost moving mean/variance would show.
      const x = randomInput([2, ...size, 2], 3);
      tf.tidy(() => { model.apply(x, { training: true }); });
      for (const w of model.weights.filter((v) => /moving_(mean|variance)/.test(v.name))) {
        const rand = seededRandom(w.name.length);
        const t = tf.tensor(new Float32Array(w.shape[0] as number).map(() => 0.5 + rand()), w.shape as number[]);
        w.write(t);
        t.dispose();
      }
      const expected = (model.predict(x) as tf.Tensor);
      await saveModel(model, dir);
      assert.ok(fs.existsSync(path.join(dir, 'model.json')) && fs.existsSync(path.join(dir, 'weights.bin')));
      const loaded = await loadModel(dir);
      const actual = loaded.predict(x) as tf.Tensor;
      assert.deepEqual(actual.shape, expected.shape);
      assert.deepEqual(Array.from(actual.dataSync()), Array.from(expected.dataSync()));
      assert.equal(loaded.countParams(), model.countParams());
      tf.dispose([x, expected, actual]);
      const n = tf.memory().numTensors;
      const extra = loaded.weights.length;
      loaded.dispose();
      assert.equal(tf.memory().numTensors, n - extra, 'dispose frees every weight of the loaded model');
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('3-D model with the custom up-sampling layer saves and loads (topology and weights)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-models-3d-'));
  try {
    const model = createModel('resnet50-unet', { spatialDims: 3, baseWidth: 2, blocks: [1, 1, 1, 1],
      decoderChannels: [4, 4, 4, 4, 4], inChannels: 1, outChannels: 2, inputShape: [12, 32, 32] });
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.outputs[0].shape, [null, 12, 32, 32, 2]);
    const a = model.getWeights();
    const b = loaded.getWeights();
    assert.equal(b.length, a.length);
    a.forEach((w, i) => assert.deepEqual(Array.from(b[i].dataSync()), Array.from(w.dataSync())));
    if (has3dTraining()) {
      const x = randomInput([1, 12, 32, 32, 1], 5);
      const y0 = model.predict(x) as tf.Tensor;
      const y1 = loaded.predict(x) as tf.Tensor;
      assert.deepEqual(Array.from(y1.dataSync()), Array.from(y0.dataSync()));
      tf.dispose([x, y0, y1]);
    }
    loaded.dispose();
    model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loadModel names the directory it cannot read', async () => {
  await assert.rejects(loadModel('/nonexistent/afl-model'), /Error in loadModel: cannot read \/nonexistent\/afl-model\/model.json/);
});

test('a saved 3-D model naming its up-sampling AflUpSampling3D (the old name) loads as @afl/backend UpSampling3D', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-models-legacy-'));
  try {
    const model = createModel('unet', { spatialDims: 3, channels: [2, 4], decoder: 'upsample', inChannels: 1,
      outChannels: 2, inputShape: [4, 8, 8] });
    await saveModel(model, dir);
    const file = path.join(dir, 'model.json');
    const json = fs.readFileSync(file, 'utf8');
    assert.match(json, /"class_name":"UpSampling3D"/);
    fs.writeFileSync(file, json.replace(/"class_name":"UpSampling3D"/g, '"class_name":"AflUpSampling3D"'));
    const loaded = await loadModel(dir);
    const x = randomInput([1, 4, 8, 8, 1], 7);
    const y0 = model.predict(x) as tf.Tensor;
    const y1 = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(y1.dataSync()), Array.from(y0.dataSync()));
    tf.dispose([x, y0, y1]);
    loaded.dispose();
    model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
