import * as tf from '@tensorflow/tfjs-core';
import { createLoss, LossFunction } from '@afl/core';
import type { CellConfig } from '../results/result-schema';

/** Plain focal loss as the paper's baseline uses it: alpha 0.25, gamma 2 (Table 5's first row). */
export const FOCAL_BASELINE = { alpha: 0.25, gamma: 2 } as const;

/**
 * The training loss of a cell as `(mask, logits) => scalar`, mask `[B, ...spatial, 1]`. With a 2-channel network
 * (the authors' code), A-FL uses its `'authors-code'` weighting and the other losses see a one-hot target.
 */
export function cellLoss(cell: Pick<CellConfig, 'loss' | 'ablation' | 'training'>): LossFunction {
  const twoChannel = cell.training.outChannels === 2;
  if (cell.loss === 'afl') {
    return createLoss('afl', { alpha: twoChannel ? 'authors-code' : 'classwise', ...(cell.ablation ?? {}), checkBinary: false });
  }
  const loss = cell.loss === 'focal' ? createLoss('focal', FOCAL_BASELINE) : createLoss(cell.loss);
  if (!twoChannel) return loss;
  return (mask, logits) => tf.tidy(() => loss(tf.concat([tf.sub(1, mask), mask], -1), logits));
}
