import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { createModel, has3dTraining } from './index';
import { setupBackend } from './testing/helpers';
import { trainsAndReachesEveryWeight } from './testing/model-suite';

before(async () => {
  assert.ok(await setupBackend('cpu'));
});

test('R2U-Net shares its recurrent conv: one kernel per recurrent block, applied t + 1 times', () => {
  const model = createModel('r2unet', { channels: [4, 8], t: 3 });
  const conv3x3 = model.layers.filter((l) => l.getClassName() === 'Conv2D' &&
    (l.getWeights()[0]?.shape[0] ?? 0) === 3);
  // 2 levels x 2 recurrent blocks in the encoder + 1 level x 2 in the decoder = 6 shared convs...
  assert.equal(conv3x3.length, 6);
  // ...each called t + 1 = 4 times.
  for (const l of conv3x3) assert.equal(l.inboundNodes.length, 4);
  model.dispose();
});

describe('wasm backend (through @afl/backend)', () => {
  let ok = false;
  before(async () => {
    ok = await setupBackend('wasm');
  });
  after(async () => {
    await setupBackend('cpu');
  });
  test('2-D and 3-D U-Net train on wasm', (t) => {
    if (!ok) return t.skip('wasm backend not available through @afl/backend initBackend');
    trainsAndReachesEveryWeight('unet', { channels: [4, 8, 16], inChannels: 1, outChannels: 1 }, [16, 16]);
    if (has3dTraining()) {
      trainsAndReachesEveryWeight('unet', { channels: [4, 8, 16], strides: [[1, 2, 2], [2, 2, 2]], spatialDims: 3,
        inChannels: 1, outChannels: 2 }, [4, 8, 8], 0.3);
    }
  });
});

test('tfl layers model type', () => {
  const model = createModel('unet', { channels: [2, 4] });
  assert.ok(model instanceof tfl.LayersModel);
  model.dispose();
});
