import { layers as tflLayers } from '@tensorflow/tfjs-layers';
import type { ConvLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/convolutional';
import { installGradients } from '../gradients/install-gradients';

export type { ConvLayerArgs };

/**
 * Trainable 3-D transposed convolution. Same arguments as
 * `tf.layers.conv3dTranspose`; returns that layer (className
 * `'Conv3DTranspose'`, so saved models load with stock tfjs-layers), after
 * making sure the gradient of `Conv3DBackpropInputV2` it needs is registered.
 */
export function conv3dTranspose(args: ConvLayerArgs): ReturnType<typeof tflLayers.conv3dTranspose> {
  installGradients();
  return tflLayers.conv3dTranspose(args);
}
