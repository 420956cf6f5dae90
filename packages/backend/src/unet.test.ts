import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { tinyUNet } from './testing/tiny-unet';
import { maxAbsDiffRel, randomTensor } from './testing/grad-check';
import { useBackend } from './testing/backends';

function lossAndGrads(model: ReturnType<typeof tinyUNet>, x: tf.Tensor, y: tf.Tensor): { loss: number; grads: Float32Array[] } {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

for (const [dims, shape] of [[2, [12, 16, 3]], [3, [4, 8, 8, 2]]] as const) {
  describe(`tiny ${dims}-D U-Net`, () => {
    it('wasm loss and every weight gradient match cpu end to end', async () => {
      await useBackend('cpu');
      const model = tinyUNet(dims, [...shape]);
      const x = randomTensor([2, ...shape], 21);
      const y = tf.randomUniform([2, ...shape.slice(0, -1), 2], 0, 1, 'float32', 3);
      const ref = lossAndGrads(model, x, y);
      await useBackend('wasm');
      const got = lossAndGrads(model, x, y);
      assert.ok(Math.abs(got.loss - ref.loss) < 1e-5 * Math.abs(ref.loss), `loss ${got.loss} vs ${ref.loss}`);
      assert.equal(got.grads.length, ref.grads.length);
      // Biases of convs followed by batch norm have ~0 gradients, so compare
      // against the weight's own scale plus a small fraction of the largest gradient.
      const global = Math.max(...ref.grads.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
      got.grads.forEach((g, i) => {
        const local = ref.grads[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const d = maxAbsDiffRel(g, ref.grads[i]) * Math.max(local, 1e-6);
        assert.ok(d <= 1e-3 * local + 1e-5 * global, `weight ${model.trainableWeights[i].name}: max difference ${d} (scale ${local})`);
      });
      tf.dispose([x, y]);
      model.dispose();
    });

    it('200 SGD steps on wasm keep the tensor count flat and lower the loss', async () => {
      await useBackend('wasm');
      const model = tinyUNet(dims, [...shape]);
      const x = randomTensor([1, ...shape], 22);
      const y = tf.randomUniform([1, ...shape.slice(0, -1), 2], 0, 1, 'float32', 4);
      const opt = tf.train.sgd(0.05);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const step = () => {
        const l = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars)!;
        const v = l.dataSync()[0];
        l.dispose();
        return v;
      };
      const first = step();
      const count = tf.memory().numTensors;
      const buffers = tf.backend().numDataIds();
      let last = first;
      for (let i = 0; i < 200; i++) last = step();
      assert.equal(tf.memory().numTensors, count);
      assert.equal(tf.backend().numDataIds(), buffers, 'backend buffers');
      assert.ok(last < first, `loss ${first} -> ${last}`);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    });
  });
}
