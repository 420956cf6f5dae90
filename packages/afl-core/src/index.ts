import './register-gradients';

export type { Reduction } from './reduction';
export { REDUCTIONS } from './reduction';

export type { AdaptiveParameters, AdaptiveParametersOptions, MaskGradient } from './losses/adaptive-parameters';
export { adaptiveParameters, disposeAdaptiveParameters, MASK_GRADIENTS } from './losses/adaptive-parameters';
export type { AdaptiveAlphaMode, AdaptiveFocalLossOptions, EffectiveAdaptiveParameters } from './losses/adaptive-focal';
export {
  adaptiveFocalLoss,
  effectiveParameters,
  ADAPTIVE_ALPHA_MODES,
  FOCAL_DEFAULT_ALPHA,
  FOCAL_DEFAULT_GAMMA,
} from './losses/adaptive-focal';
export type { FocalLossOptions } from './losses/focal';
export { focalLoss } from './losses/focal';
export type { BceLossOptions } from './losses/bce';
export { bceLoss } from './losses/bce';
export type { DiceLossOptions } from './losses/dice';
export { diceLoss, iouLoss } from './losses/dice';
export type { TverskyLossOptions } from './losses/tversky';
export { tverskyLoss } from './losses/tversky';
export type { DiceCELossOptions, DiceFocalLossOptions } from './losses/compound';
export { diceCELoss, diceFocalLoss } from './losses/compound';
export type { LossFunction, LossName, LossOptionsByName } from './losses/create-loss';
export { createLoss, LOSS_NAMES } from './losses/create-loss';

export type { ConfusionCounts, HardMetricOptions } from './metrics/confusion';
export { confusionCounts } from './metrics/confusion';
export type { OverlapScoreOptions } from './metrics/overlap-scores';
export {
  diceScore,
  iouScore,
  sensitivity,
  specificity,
  pooledSensitivity,
  pooledSpecificity,
  meanOfValid,
  diceFromCounts,
  iouFromCounts,
  sensitivityFromCounts,
  specificityFromCounts,
} from './metrics/overlap-scores';
export type { AuthorsSoftMetricOptions } from './metrics/authors-soft';
export { authorsSoftDice, authorsSoftIoU } from './metrics/authors-soft';
export type { SurfaceDistanceOptions } from './metrics/surface-distance';
export { hausdorff95, averageSurfaceDistance, surfaceDistances, maskSurface, squaredDistanceMap, percentile } from './metrics/surface-distance';
