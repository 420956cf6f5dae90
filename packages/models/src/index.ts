export { unet, UNetConfig, BaseModelConfig } from './unet';
export { attentionUnet, AttentionUNetConfig } from './attention-unet';
export { r2Unet, R2UNetConfig } from './r2-unet';
export { regUnet, RegUNetConfig } from './reg-unet';
export { resnet50Unet, resnetEncoder, ResNet50UNetConfig, ResNetEncoderConfig, PICAI_RESNET_STRIDES } from './resnet50-unet';
export { createModel, CreateModelOptions, ModelName, ModelPreset, MODEL_NAMES } from './create-model';
export { countParameters, CountParametersOptions } from './count-parameters';
export { UpSampling3D, UpSampling3DArgs } from './layers/up-sampling-3d';
export { LayerFactories, setLayerFactories, has3dTraining, SpatialDims, StrideSpec } from './layers/nd-layers';
