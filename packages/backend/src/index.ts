/**
 * @afl/backend: TF.js backend selection plus the kernels, gradients and layers
 * needed to train 2-D and 3-D U-Nets on cpu, wasm and tensorflow.
 */
import './gradients/install-gradients';
import * as layers from './layers/index';

export { initBackend, releaseBackend, wasmBinaryDir, BACKEND_NAMES } from './init-backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { describeBackends, cpuSimdFlags } from './describe-backends';
export type { BackendsReport, BackendReport } from './describe-backends';
export { probeWebgpuAdapter, softwareAdapterReason, WEBGPU_INSTALL_HINT } from './webgpu/dawn-setup';
export type { AdapterDescription } from './webgpu/dawn-setup';
export { installKernels, KERNEL_OVERRIDES } from './kernels/install-kernels';
export { nativeAddon, nativeStatus, setNativeKernels, NATIVE_ADDON_PATH } from './native/native-addon';
export type { NativeAddon } from './native/native-addon';
export { installGradients } from './gradients/install-gradients';
export { conv2dBackpropFilterViaConv } from './kernels/conv2d-backprop-filter';
export { conv2dBackpropInputViaConv } from './kernels/conv2d-backprop-input';
export { conv3dViaConv2d, conv3dBackpropInputViaConv2d, conv3dBackpropFilterViaConv2d } from './kernels/conv3d-via-conv2d';
export { layers };
export { BatchNormalization, UpSampling3D } from './layers/index';
