import './register-gradients';

export type { Reduction } from './reduction';
export { REDUCTIONS } from './reduction';

export type { AdaptiveParameters, AdaptiveParametersOptions, MaskGradient } from './losses/adaptive-parameters';
export { adaptiveParameters, adaptiveParametersOnDevice, disposeAdaptiveParameters, MASK_GRADIENTS } from './losses/adaptive-parameters';
export type { AdaptiveAlphaMode, AdaptiveFocalLossOptions, EffectiveAdaptiveParameters } from './losses/adaptive-focal';
export {
  adaptiveFocalLoss,
  prepareAdaptiveFocalParameters,
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
export type { LossFunction, LossName, LossOptionsByName, PreparedLoss } from './losses/create-loss';
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

// PI-CAI lesion-level evaluation (picai_eval 1.4.13 / report_guided_annotation 0.3.2 semantics)
export type { ComponentLabels, Shape3d } from './metrics/picai/connected-components';
export { labelComponents26 } from './metrics/picai/connected-components';
export type {
  CandidateConfidence,
  CandidateThreshold,
  ExtractLesionCandidatesOptions,
  LesionCandidates,
  Volume3d,
} from './metrics/picai/extract-lesion-candidates';
export { extractLesionCandidates, CANDIDATE_THRESHOLD_MODES } from './metrics/picai/extract-lesion-candidates';
export type {
  CaseConfidence,
  DetectionPostprocess,
  LesionRow,
  OverlapFunction,
  PicaiCaseOptions,
  PicaiCaseResult,
} from './metrics/picai/evaluate-case';
export { evaluatePicaiCase, OVERLAP_FUNCTIONS } from './metrics/picai/evaluate-case';
export type { EvaluatePicaiOptions, PicaiCase, PicaiMetrics } from './metrics/picai/evaluate-picai';
export { evaluatePicai, frocSensitivityAt } from './metrics/picai/evaluate-picai';
export type { LesionWiseF1, LesionWiseF1Options } from './metrics/picai/lesion-wise-f1';
export { lesionWiseF1 } from './metrics/picai/lesion-wise-f1';
export type { Assignment } from './metrics/picai/linear-sum-assignment';
export { linearSumAssignment } from './metrics/picai/linear-sum-assignment';
