import type * as tf from '@tensorflow/tfjs-core';
import { aflError } from '../errors';
import { adaptiveFocalLoss, AdaptiveFocalLossOptions, prepareAdaptiveFocalParameters } from './adaptive-focal';
import { disposeAdaptiveParameters } from './adaptive-parameters';
import { bceLoss, BceLossOptions } from './bce';
import { diceCELoss, DiceCELossOptions, diceFocalLoss, DiceFocalLossOptions } from './compound';
import { diceLoss, DiceLossOptions, iouLoss } from './dice';
import { focalLoss, FocalLossOptions } from './focal';
import { tverskyLoss, TverskyLossOptions } from './tversky';

/** A loss bound to one batch's ground truth by {@link LossFunction.prepare}; dispose it after the step. */
export interface PreparedLoss {
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  dispose(): void;
}

/**
 * A loss in the Keras / TF.js order, ready for `model.compile({ loss })` or a custom training step. A loss that
 * needs host-side values of the ground truth (A-FL's float64 parameters) also has `prepare`, an asynchronous step
 * that reads `yTrue` once, outside the gradient tape, and returns the loss bound to those values (call it once per
 * batch, then use `loss` on that batch's `yTrue`); the plain call computes the same on the device instead.
 */
export type LossFunction = ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar) & {
  prepare?: (yTrue: tf.Tensor) => Promise<PreparedLoss>;
};

/** The options each named loss takes. */
export interface LossOptionsByName {
  afl: AdaptiveFocalLossOptions;
  focal: FocalLossOptions;
  ce: BceLossOptions;
  dice: DiceLossOptions;
  iou: Omit<DiceLossOptions, 'jaccard'>;
  tversky: TverskyLossOptions;
  'dice-ce': DiceCELossOptions;
  'dice-focal': DiceFocalLossOptions;
}
export type LossName = keyof LossOptionsByName;

const FACTORIES: { [K in LossName]: (yTrue: tf.Tensor, yPred: tf.Tensor, o: LossOptionsByName[K]) => tf.Tensor } = {
  afl: adaptiveFocalLoss,
  focal: focalLoss,
  ce: bceLoss,
  dice: diceLoss,
  iou: iouLoss,
  tversky: tverskyLoss,
  'dice-ce': diceCELoss,
  'dice-focal': diceFocalLoss,
};

/** The names {@link createLoss} accepts, in the order of the paper's Table 3 (A-FL first). */
export const LOSS_NAMES = Object.keys(FACTORIES) as LossName[];

/**
 * Builds a named loss with fixed options, returning `(yTrue, yPred) => tf.Scalar`.
 *
 * @example
 * const loss = createLoss('afl', { useGammaMSa: false });
 * const value = loss(mask, logits);
 */
export function createLoss<K extends LossName>(name: K, options?: LossOptionsByName[K]): LossFunction {
  const factory = FACTORIES[name] as ((yTrue: tf.Tensor, yPred: tf.Tensor, o: LossOptionsByName[K]) => tf.Tensor) | undefined;
  if (!Object.prototype.hasOwnProperty.call(FACTORIES, name) || factory === undefined) {
    throw aflError('createLoss', `unknown loss ${JSON.stringify(name)}, valid names are ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}.`);
  }
  const opts = { ...(options ?? {}) } as LossOptionsByName[K] & { reduction?: string };
  if (opts.reduction === 'none') {
    throw aflError('createLoss', `a loss function for training returns a scalar; reduction 'none' is not allowed here (call the loss directly for per-sample values).`);
  }
  const loss: LossFunction = (yTrue, yPred) => factory(yTrue, yPred, opts) as tf.Scalar;
  if (name === 'afl') {
    const aflOptions = opts as AdaptiveFocalLossOptions;
    if (aflOptions.parameters === undefined) {
      loss.prepare = async (yTrue) => {
        const parameters = await prepareAdaptiveFocalParameters(yTrue, aflOptions);
        const bound = { ...aflOptions, parameters, checkBinary: false };
        return { loss: (t, p) => adaptiveFocalLoss(t, p, bound) as tf.Scalar, dispose: () => disposeAdaptiveParameters(parameters) };
      };
    }
  }
  return loss;
}
