import * as tfl from '@tensorflow/tfjs-layers';
import * as layers from '../layers/index';

type S = tfl.SymbolicTensor;

/**
 * A small U-Net (2 levels) using every layer kind the paper's networks need:
 * conv (strides 1 and 2, anisotropic in 3-D), batch norm, relu, max pooling,
 * transposed conv, upsampling (nearest / linear), concat, add, multiply, sigmoid.
 */
export function tinyUNet(dims: 2 | 3, inputShape: number[], base = 4): tfl.LayersModel {
  const conv = (x: S, f: number, k: number, s: number | number[] = 1) => (dims === 2
    ? tfl.layers.conv2d({ filters: f, kernelSize: k, strides: s as number, padding: 'same' })
    : tfl.layers.conv3d({ filters: f, kernelSize: k, strides: s as number, padding: 'same' })).apply(x) as S;
  const bnRelu = (x: S) => tfl.layers.reLU().apply(layers.batchNormalization({}).apply(x)) as S;
  const input = tfl.input({ shape: inputShape });
  const e1 = bnRelu(conv(input, base, 3));
  const p1 = (dims === 2 ? tfl.layers.maxPooling2d({ poolSize: 2 }) : tfl.layers.maxPooling3d({ poolSize: 2 })).apply(e1) as S;
  const e2 = bnRelu(conv(p1, 2 * base, 3));
  // A strided conv branch (anisotropic in 3-D) merged back by addition.
  const d2 = bnRelu(conv(e1, 2 * base, 3, dims === 2 ? 2 : [2, 2, 2]));
  const b = tfl.layers.add().apply([e2, d2]) as S;
  const upT = (dims === 2
    ? tfl.layers.conv2dTranspose({ filters: base, kernelSize: 2, strides: 2, padding: 'same' })
    : layers.conv3dTranspose({ filters: base, kernelSize: 2, strides: 2, padding: 'same' })).apply(b) as S;
  const upI = (dims === 2
    ? tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' })
    : layers.upSampling3d({ size: 2, interpolation: 'trilinear' })).apply(conv(b, base, 1)) as S;
  const gate = tfl.layers.activation({ activation: 'sigmoid' }).apply(upI) as S;
  const gated = tfl.layers.multiply().apply([upT, gate]) as S;
  const cat = tfl.layers.concatenate().apply([gated, e1]) as S;
  const d1 = bnRelu(conv(cat, base, 3));
  return tfl.model({ inputs: input, outputs: conv(d1, 2, 1) });
}
