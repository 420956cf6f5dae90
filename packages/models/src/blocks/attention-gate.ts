import * as tfl from '@tensorflow/tfjs-layers';
import { NdLayers } from '../layers/nd-layers';

type T = tfl.SymbolicTensor;

/**
 * Additive attention gate (Oktay et al., 2018, https://arxiv.org/abs/1804.03999):
 * `alpha = sigmoid(BN(psi(ReLU(BN(W_g g) + BN(W_x x)))))`, output `x * alpha`, with 1x1 convolutions (bias) and the
 * gating signal `g` at the skip's resolution (the decoder's up-sampled features), as in the common reference code.
 */
export function attentionGate(L: NdLayers, g: T, x: T, intermediate: number): T {
  const wg = L.batchNorm().apply(L.conv({ filters: intermediate, kernelSize: 1 }).apply(g)) as T;
  const wx = L.batchNorm().apply(L.conv({ filters: intermediate, kernelSize: 1 }).apply(x)) as T;
  const act = L.relu().apply(tfl.layers.add().apply([wg, wx])) as T;
  const psi = L.batchNorm().apply(L.conv({ filters: 1, kernelSize: 1 }).apply(act)) as T;
  const alpha = tfl.layers.activation({ activation: 'sigmoid' }).apply(psi) as T;
  return tfl.layers.multiply().apply([x, alpha]) as T;
}
