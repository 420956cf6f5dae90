import * as tfl from '@tensorflow/tfjs-layers';
import { UNetConfig, _buildUNetFamily } from './unet';

/** Configuration of {@link r2Unet}. */
export interface R2UNetConfig extends UNetConfig {
  /** Recurrence steps: the shared conv is applied `t + 1` times per recurrent block. Default 2. */
  t?: number;
}

/**
 * R2U-Net ("RR-U-Net"; Alom et al., 2018, https://arxiv.org/abs/1802.06955): a U-Net whose blocks are recurrent
 * residual blocks — a 1x1 conv, then two recurrent blocks, each applying ONE shared 3x3 conv + BN + ReLU `t + 1`
 * times (`y = f(x)`, then `y = f(x + y)`), then a residual add. The shared weights make it a real recurrent network.
 *
 * @example
 * const model = r2Unet({ inChannels: 1, channels: [8, 16, 32], t: 2 });
 */
export function r2Unet(config: R2UNetConfig = {}): tfl.LayersModel {
  return _buildUNetFamily(config, { fn: 'r2Unet', block: 'recurrent', attention: false, t: config.t });
}
