import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { countParameters, createModel, CreateModelOptions, ModelName } from './index';

// PyTorch counts (sum of p.numel() over model.parameters()): conv kernels and biases, BN gamma and beta;
// BN running statistics are buffers, not parameters. In TF.js these are exactly the trainable weights.
const S3 = [[1, 2, 2], [2, 2, 2], [2, 2, 2], [1, 2, 2]];

const REFERENCE: [string, ModelName, CreateModelOptions, number][] = [
  ['smp U-Net(resnet50), 3 in, 1 class', 'resnet50-unet', { preset: 'smp' }, 32_521_105],
  ['smp U-Net(resnet50), 3 in, 2 classes', 'resnet50-unet', { preset: 'smp', outChannels: 2 }, 32_521_250],
  ['smp U-Net(resnet50), 4 in, 2 classes', 'resnet50-unet', { preset: 'smp', inChannels: 4, outChannels: 2 },
    32_524_386],
  ['3-D U-Net(resnet50), 3 in, 2 classes', 'resnet50-unet', { preset: 'smp', spatialDims: 3, outChannels: 2 },
    73_234_658],
  ['3-D U-Net(resnet50), 4 in, 2 classes', 'resnet50-unet',
    { preset: 'smp', spatialDims: 3, inChannels: 4, outChannels: 2 }, 73_256_610],
  ['classic U-Net 64…1024', 'unet', { preset: 'classic' }, 34_527_041],
  ['classic Attention U-Net 64…1024', 'attention-unet', { preset: 'classic' }, 34_878_573],
  ['classic R2U-Net 64…1024, t = 2', 'r2unet', { preset: 'classic' }, 39_091_393],
  // Default (CPU-sized) configurations, 3 in / 2 out; the same numbers come out of the plain-PyTorch versions in
  // bench/models/models_torch.py.
  ['default U-Net 2-D', 'unet', { inChannels: 3, outChannels: 2 }, 7_763_074],
  ['default Attention U-Net 2-D', 'attention-unet', { inChannels: 3, outChannels: 2 }, 7_851_806],
  ['default R2U-Net 2-D', 'r2unet', { inChannels: 3, outChannels: 2 }, 8_904_514],
  ['default RegUNet 2-D', 'regunet', { inChannels: 3, outChannels: 2 }, 683_704],
  ['default U-Net 3-D', 'unet', { spatialDims: 3, inChannels: 3, outChannels: 2, strides: S3 }, 22_047_554],
  ['default Attention U-Net 3-D', 'attention-unet', { spatialDims: 3, inChannels: 3, outChannels: 2, strides: S3 },
    22_136_286],
  ['default R2U-Net 3-D', 'r2unet', { spatialDims: 3, inChannels: 3, outChannels: 2, strides: S3 }, 24_772_418],
  ['default RegUNet 3-D', 'regunet', { spatialDims: 3, inChannels: 3, outChannels: 2,
    strides: [[1, 2, 2], [2, 2, 2], [2, 2, 2]] }, 2_001_368],
];

for (const [label, name, options, expected] of REFERENCE) {
  test(`parameter count: ${label} = ${expected}`, () => {
    const before = tf.memory().numTensors;
    // Zero kernels: counting needs no random init (5x faster for the 73 M-parameter 3-D model).
    const model = createModel(name, { ...options, kernelInitializer: 'zeros' });
    assert.equal(countParameters(model), expected);
    assert.equal(countParameters(model, { convention: 'pytorch' }), expected);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
}

test('tfjs convention also counts the BN moving mean and variance', () => {
  const model = createModel('unet', { channels: [4, 8], inChannels: 1, outChannels: 1 });
  const stats = model.nonTrainableWeights;
  assert.ok(stats.length > 0 && stats.every((w) => /moving_(mean|variance)/.test(w.name)));
  const n = stats.reduce((p, w) => p + (w.shape[0] as number), 0);
  assert.equal(countParameters(model, { convention: 'tfjs' }), countParameters(model) + n);
  model.dispose();
});

test('countParameters rejects an unknown convention', () => {
  const model = createModel('unet', { channels: [2, 4] });
  assert.throws(() => countParameters(model, { convention: 'keras' as never }),
    /Error in countParameters: convention must be 'pytorch' or 'tfjs', got "keras"/);
  model.dispose();
});
