import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { createModel } from './index';
import { setupBackend } from './testing/helpers';

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

test('tfl layers model type', () => {
  const model = createModel('unet', { channels: [2, 4] });
  assert.ok(model instanceof tfl.LayersModel);
  model.dispose();
});
