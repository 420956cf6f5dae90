import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers tfjs-core's gradients on import (tfjs-core alone has none).
import '@tensorflow/tfjs-layers';
import { overrideGradient } from '../kernels/override-kernel';
import { batchNormGrad } from './batch-norm-grad';

type Pad3D = 'valid' | 'same';
type Triple = [number, number, number];

/**
 * Gradient of `Conv3DBackpropInputV2` (forward of conv3dTranspose), which
 * tfjs-core 4.22 lacks. The op is linear in dy: dx = A_W^T dy with A_W the
 * conv3d with filter W, so d/d(dy) = conv3d(ddx, W) and
 * d/dW = conv3DBackpropFilter(ddx, dy).
 */
const conv3dBackpropInputGrad: tf.GradConfig = {
  kernelName: 'Conv3DBackpropInputV2',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
    const { strides, pad } = attrs as unknown as { strides: Triple; pad: Pad3D };
    const g = ddx as tf.Tensor5D;
    return {
      dy: () => tf.conv3d(g, filter, strides, pad),
      filter: () => tf.engine().runKernel('Conv3DBackpropFilterV2', { x: g, dy },
        { strides, pad, filterShape: filter.shape }) as tf.Tensor,
    };
  },
};

let installed = false;

/** Register the gradients this package adds or replaces (idempotent, backend independent). */
export function installGradients(): void {
  if (installed) return;
  overrideGradient(conv3dBackpropInputGrad);
  overrideGradient(batchNormGrad);
  installed = true;
}
