import * as tfl from '@tensorflow/tfjs-layers';
import { UNetConfig, _buildUNetFamily } from './unet';

/** Configuration of {@link attentionUnet}: the {@link UNetConfig} fields. */
export type AttentionUNetConfig = UNetConfig;

/**
 * Attention U-Net (Oktay et al., 2018, https://arxiv.org/abs/1804.03999): a U-Net whose skips pass through additive
 * attention gates (intermediate channels = half the level's channels) before concatenation.
 *
 * @example
 * const model = attentionUnet({ inChannels: 3, channels: [16, 32, 64] });
 */
export function attentionUnet(config: AttentionUNetConfig = {}): tfl.LayersModel {
  return _buildUNetFamily(config, { fn: 'attentionUnet', block: 'double', attention: true });
}
