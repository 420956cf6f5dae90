export { BatchNormalization, batchNormalization } from './batch-normalization';
export type { BatchNormalizationLayerArgs } from './batch-normalization';
export { UpSampling3D, upSampling3d, upSample3d } from './up-sampling-3d';
export type { UpSampling3DLayerArgs, UpSampling3DInterpolation } from './up-sampling-3d';
export { conv3dTranspose } from './conv3d-transpose';
export type { ConvLayerArgs } from './conv3d-transpose';
