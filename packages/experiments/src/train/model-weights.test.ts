import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createModel, MODEL_NAMES } from '@afl/models';
import { modelOptionsFor } from '../grid/model-options';
import type { CellConfig } from '../results/result-schema';
import { seedModelWeights, setOutputPrior } from './model-weights';

describe('setOutputPrior', () => {
  it('starts every model of the grid at the prior tumour probability where its features vanish', async () => {
    await tf.setBackend('cpu');
    for (const name of MODEL_NAMES) {
      for (const outChannels of [1, 2] as const) {
        const cell = { model: name, spatialDims: 3 as const, training: { inputShape: [4, 16, 16], outChannels } as CellConfig['training'] };
        const model = createModel(name, modelOptionsFor(cell, 3, { baseChannels: 4, levels: 3 }));
        seedModelWeights(model, 1);
        setOutputPrior(model, 0.01);
        const layer = [...model.layers].reverse().find((l) => l.weights.length > 0)!;
        const bias = Array.from(await layer.weights.find((w) => /bias/i.test(w.originalName))!.read().data());
        // logit(0.01) = ln(0.01 / 0.99) = -4.59512
        const expected = outChannels === 1 ? [-4.59512] : [4.59512, -4.59512];
        assert.equal(bias.length, expected.length, name);
        bias.forEach((b, i) => assert.ok(Math.abs(b - expected[i]) < 1e-4, `${name} (${outChannels} ch): bias ${bias}`));
        model.dispose();
      }
    }
  });

  it('rejects a prior outside (0, 1)', () => {
    const model = createModel('unet', { spatialDims: 2, inChannels: 1, outChannels: 1, channels: [4, 8], strides: [[2, 2]], inputShape: [8, 8] });
    assert.throws(() => setOutputPrior(model, 1), /prior must be in \(0, 1\), got 1/);
    model.dispose();
  });
});
