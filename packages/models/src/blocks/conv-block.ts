import * as tfl from '@tensorflow/tfjs-layers';
import { NdLayers } from '../layers/nd-layers';

type T = tfl.SymbolicTensor;

/** conv(k) -> batch norm -> ReLU. */
export function convNormRelu(L: NdLayers, x: T, filters: number, options: { kernelSize?: number; useBias?: boolean;
  strides?: number[]; name?: string } = {}): T {
  const { kernelSize = 3, useBias = false, strides, name } = options;
  let y = L.conv({ filters, kernelSize, useBias, strides, name: name && `${name}_conv` }).apply(x) as T;
  y = L.batchNorm(name && `${name}_bn`).apply(y) as T;
  return L.relu(name && `${name}_relu`).apply(y) as T;
}

/** U-Net double convolution: two (3x3 conv -> batch norm -> ReLU). */
export function doubleConvBlock(L: NdLayers, x: T, filters: number, useBias: boolean): T {
  return convNormRelu(L, convNormRelu(L, x, filters, { useBias }), filters, { useBias });
}
