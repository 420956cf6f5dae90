import { test } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import { createModel, regUnet, resnet50Unet, unet } from './index';

test('unknown model name lists the valid ones', () => {
  assert.throws(() => createModel('vnet' as never),
    /Error in createModel: unknown model "vnet", valid names are 'unet', 'attention-unet', 'regunet', 'r2unet', 'resnet50-unet'\./);
});

test('unknown preset lists the valid ones', () => {
  assert.throws(() => createModel('unet', { preset: 'smp' }), /unknown preset "smp" for 'unet', valid presets are 'classic'/);
  assert.throws(() => createModel('regunet', { preset: 'classic' }), /valid presets are none/);
});

test('input size not divisible by the strides names the dimension', () => {
  assert.throws(() => unet({ spatialDims: 3, channels: [2, 4, 8], strides: [[1, 2, 2], [2, 2, 2]], inputShape: [24, 160, 126] }),
    /Error in unet: input size along W \(axis 2\) must be a positive multiple of the product of the strides along it \(4\), got 126\./);
  assert.throws(() => resnet50Unet({ spatialDims: 3, baseWidth: 2, blocks: [1, 1, 1, 1], inputShape: [30, 160, 128] }),
    /input size along D \(axis 0\) .* \(12\), got 30/);
  assert.throws(() => unet({ inputShape: [16] }), /inputShape must give the 2 spatial sizes \[H, W\], got \[16\]/);
});

test('ill configurations', () => {
  assert.throws(() => unet({ spatialDims: 4 as never }), /Error in unet: spatialDims must be 2 or 3, got 4/);
  assert.throws(() => unet({ channels: [8] }), /channels must list at least 2 positive integers/);
  assert.throws(() => unet({ channels: [2, 4], strides: [2, 2] }), /strides must list 1 down-sampling steps, got \[2,2\]/);
  assert.throws(() => unet({ channels: [2, 4], strides: [[2, 2, 2]] }), /each stride must be a positive integer or 2 of them/);
  assert.throws(() => unet({ decoder: 'bilinear' as never }), /decoder must be 'transpose' or 'upsample', got "bilinear"/);
  assert.throws(() => regUnet({ depth: 2, extractLevels: [3] }), /extractLevels must be distinct integers in \[0, 2\], got \[3\]/);
  assert.throws(() => resnet50Unet({ decoderChannels: [1, 2] }), /decoderChannels must be 5 positive integers/);
  assert.throws(() => unet({ outChannels: 0 }), /outChannels must be a positive integer, got 0/);
});

test('the 3-D ResNet50 U-Net default strides fit the PI-CAI crop 24 x 160 x 128', () => {
  const model = resnet50Unet({ spatialDims: 3, baseWidth: 2, blocks: [1, 1, 1, 1], decoderChannels: [4, 4, 4, 4, 4],
    inputShape: [24, 160, 128], outChannels: 2 });
  assert.deepEqual(model.outputs[0].shape, [null, 24, 160, 128, 2]);
  model.dispose();
});
