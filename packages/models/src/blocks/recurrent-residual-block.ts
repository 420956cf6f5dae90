import * as tfl from '@tensorflow/tfjs-layers';
import { NdLayers } from '../layers/nd-layers';

type T = tfl.SymbolicTensor;

/**
 * Recurrent convolution (Alom et al., 2018, https://arxiv.org/abs/1802.06955): ONE 3x3 conv + BN + ReLU whose
 * weights are shared across its `t + 1` applications, `y_0 = f(x)`, `y_k = f(x + y_{k-1})`.
 */
export function recurrentBlock(L: NdLayers, x: T, filters: number, t: number, useBias: boolean): T {
  const conv = L.conv({ filters, kernelSize: 3, useBias });
  const bn = L.batchNorm();
  const f = (z: T): T => L.relu().apply(bn.apply(conv.apply(z))) as T;
  let y = f(x);
  for (let i = 0; i < t; i++) y = f(tfl.layers.add().apply([x, y]) as T);
  return y;
}

/** Recurrent residual block (RRCNN): `x1 = conv1x1(x)`, output `x1 + R(R(x1))` with two recurrent blocks R. */
export function recurrentResidualBlock(L: NdLayers, x: T, filters: number, t: number, useBias: boolean): T {
  const x1 = L.conv({ filters, kernelSize: 1, useBias: true }).apply(x) as T;
  const r = recurrentBlock(L, recurrentBlock(L, x1, filters, t, useBias), filters, t, useBias);
  return tfl.layers.add().apply([x1, r]) as T;
}
