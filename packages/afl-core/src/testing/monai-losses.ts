// MONAI reference losses: the cases of ../shared/reference/losses_monai.json and our loss for each of MONAI's
// constructor arguments (used by the cpu/wasm reference tests and the webgpu comparison).
import type * as tf from '@tensorflow/tfjs-core';
import type { RefArray } from './helpers';
import { sharedForTest, type SharedForTest } from './shared';
import { diceCELoss, diceFocalLoss } from '../losses/compound';
import { diceLoss } from '../losses/dice';
import { focalLoss } from '../losses/focal';
import { tverskyLoss } from '../losses/tversky';
import type { Reduction } from '../reduction';

export interface LossResult {
  loss: string;
  args: Record<string, unknown>;
  expected: number | RefArray;
}
export interface LossCase {
  name: string;
  input: RefArray;
  target: RefArray;
  results: LossResult[];
}

/** MONAI 1.5's loss outputs (shared test data): the file, or why the test skips (throws under CI). */
export function monaiLossesRef(): SharedForTest {
  return sharedForTest('reference', 'losses_monai.json');
}

/** Calls our loss with the options that correspond to MONAI's constructor arguments. */
export function ours(r: LossResult, yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const a = r.args as Record<string, number | boolean | string | null>;
  const common = {
    reduction: a.reduction as Reduction,
    batch: a.batch as boolean,
    smoothNr: a.smooth_nr as number,
    smoothDr: a.smooth_dr as number,
  };
  switch (r.loss) {
    case 'FocalLoss':
      return focalLoss(yTrue, logits, { gamma: a.gamma as number, alpha: a.alpha as number | null, reduction: common.reduction });
    case 'DiceLoss':
      return diceLoss(yTrue, logits, { ...common, jaccard: a.jaccard as boolean, squaredPred: a.squared_pred as boolean });
    case 'TverskyLoss':
      return tverskyLoss(yTrue, logits, { ...common, alpha: a.alpha as number, beta: a.beta as number });
    case 'DiceCELoss':
      return diceCELoss(yTrue, logits, { ...common, lambdaDice: a.lambda_dice as number, lambdaCe: a.lambda_ce as number });
    case 'DiceFocalLoss':
      return diceFocalLoss(yTrue, logits, {
        ...common,
        gamma: a.gamma as number,
        alpha: a.alpha as number | null,
        lambdaDice: a.lambda_dice as number,
        lambdaFocal: a.lambda_focal as number,
      });
    default:
      throw new Error(`no mapping for ${r.loss}`);
  }
}

