import * as tf from '@tensorflow/tfjs-core';
import { aflError, assertFiniteNumber } from '../errors';
import { bceLoss } from './bce';
import { DiceLossOptions, _diceLoss } from './dice';
import { focalLoss } from './focal';

export interface DiceCELossOptions extends Omit<DiceLossOptions, 'jaccard'> {
  /** Weight of the Dice part, default 1. */
  lambdaDice?: number;
  /** Weight of the binary cross-entropy part, default 1. */
  lambdaCe?: number;
}

export interface DiceFocalLossOptions extends Omit<DiceLossOptions, 'jaccard'> {
  /** Weight of the Dice part, default 1. */
  lambdaDice?: number;
  /** Weight of the focal part, default 1. */
  lambdaFocal?: number;
  /** Focal exponent, default 2. */
  gamma?: number;
  /** Focal class weight (alpha on foreground, 1 - alpha on background), default none. */
  alpha?: number | null;
}

function checkLambdas(fn: string, a: number, b: number, names: [string, string]): void {
  assertFiniteNumber(fn, names[0], a, 0);
  assertFiniteNumber(fn, names[1], b, 0);
  if (a + b === 0) throw aflError(fn, `${names[0]} and ${names[1]} are both 0, so the loss would be constant.`);
}

/**
 * MONAI's `DiceCELoss(sigmoid=True)`: `lambdaDice * Dice + lambdaCe * BCE-with-logits`. With `'mean'` the BCE part is
 * the mean over all elements; with `'sum'` both parts are summed (Dice over the `[B, C]` table, BCE over all
 * elements, as PyTorch's `BCEWithLogitsLoss(reduction='sum')`); `'none'` adds the two `[B, C]` tables.
 */
export function diceCELoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: DiceCELossOptions = {}): tf.Tensor {
  const fn = 'diceCELoss';
  const { lambdaDice = 1, lambdaCe = 1, ...dice } = options;
  checkLambdas(fn, lambdaDice, lambdaCe, ['lambdaDice', 'lambdaCe']);
  if (dice.batch && dice.reduction === 'none') {
    throw aflError(fn, `reduction 'none' with batch: true has no common shape for the Dice ([C]) and BCE ([B, C]) parts.`);
  }
  return tf.tidy(() => {
    const d = _diceLoss(fn, yTrue, yPred, dice);
    const ce = bceLoss(yTrue, yPred, { reduction: dice.reduction, fromLogits: dice.fromLogits });
    return tf.add(tf.mul(d, lambdaDice), tf.mul(ce, lambdaCe));
  });
}

/**
 * MONAI's `DiceFocalLoss(sigmoid=True)`: `lambdaDice * Dice + lambdaFocal * Focal`, both with the same reduction
 * (focal `'sum'` is MONAI's: spatial mean, then sum over batch and channels).
 */
export function diceFocalLoss(yTrue: tf.Tensor, yPred: tf.Tensor, options: DiceFocalLossOptions = {}): tf.Tensor {
  const fn = 'diceFocalLoss';
  const { lambdaDice = 1, lambdaFocal = 1, gamma = 2, alpha = null, ...dice } = options;
  checkLambdas(fn, lambdaDice, lambdaFocal, ['lambdaDice', 'lambdaFocal']);
  if (dice.batch && dice.reduction === 'none') {
    throw aflError(fn, `reduction 'none' with batch: true has no common shape for the Dice ([C]) and focal ([B, C]) parts.`);
  }
  return tf.tidy(() => {
    const d = _diceLoss(fn, yTrue, yPred, dice);
    const f = focalLoss(yTrue, yPred, { gamma, alpha, reduction: dice.reduction, fromLogits: dice.fromLogits });
    return tf.add(tf.mul(d, lambdaDice), tf.mul(f, lambdaFocal));
  });
}
