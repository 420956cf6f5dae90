export { unet, UNetConfig, BaseModelConfig } from './unet';
export { attentionUnet, AttentionUNetConfig } from './attention-unet';
export { r2Unet, R2UNetConfig } from './r2-unet';
export { regUnet, RegUNetConfig } from './reg-unet';
export { resnet50Unet, resnetEncoder, ResNet50UNetConfig, ResNetEncoderConfig, PICAI_RESNET_STRIDES } from './resnet50-unet';
export { createModel, CreateModelOptions, ModelName, ModelPreset, MODEL_NAMES } from './create-model';
export { countParameters, CountParametersOptions } from './count-parameters';
export { UpSampling3D } from '@afl/backend';
/** Arguments of `UpSampling3D` (the layer of `@afl/backend`). */
export type UpSampling3DArgs = import('@afl/backend').layers.UpSampling3DLayerArgs;
export { LayerFactories, setLayerFactories, has3dTraining, SpatialDims, StrideSpec } from './layers/nd-layers';
export { fileSystemHandler } from './io/file-system-handler';
export { saveModel } from './io/save-model';
export { loadModel } from './io/load-model';
export { importWeights, ImportWeightsOptions, ImportWeightsResult } from './weights/import-weights';
export { loadResnet50Weights, LoadWeightsResult } from './weights/load-resnet50-weights';
export { readKerasH5, kerasToTorchName } from './weights/read-keras-h5';
export { readStateDict, writeStateDict, toTfjsLayout, StateDict, StateDictManifest, NamedTensor } from './weights/state-dict';
export { inflateKernel, tileInputChannels } from './weights/inflate';
