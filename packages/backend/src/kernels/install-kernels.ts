import { OpKernel, overrideKernel, overrideRawKernel } from './override-kernel';
import { castSameDtypeWasm, identityWasm } from './identity';
import { addKernel } from './channel-add';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input';
import { splitVKernel } from './split-v';
import { meanKernel, sumKernel } from './reduce-leading';
import { tileKernel } from './tile';
import { sliceKernel } from './slice';
import { concatKernel, padKernel } from './concat-pad';
import { maxPool3dGradKernel, maxPool3dKernel, maxPoolGradKernel, maxPoolGradNative } from './max-pool-grad';
import { resizeBilinearGradKernel } from './resize-bilinear-grad';
import { conv3dBackpropFilterKernel, conv3dBackpropInputKernel, conv3dKernel } from './conv3d-via-conv2d';
import { nativeConvKernels, withNative } from './native-conv';
import { WEBGPU_BINARY_OPS, webgpuKernels } from './webgpu-kernels';

const installed = new Set<string>();

/** What `installKernels` replaced or added on each backend, and why. */
export const KERNEL_OVERRIDES: Record<string, Record<string, string>> = {
  wasm: {
    Conv2D: 'native im2col + OpenBLAS sgemm when the addon is built (about 4x XNNPACK here); else stock',
    FusedConv2D: 'native (bias, relu) when the addon is built; else stock',
    Conv2DBackpropFilter: 'missing on wasm; one XNNPACK conv of the transposed input',
    Conv2DBackpropInput: 'naive on wasm; XNNPACK conv of zero-inserted dy (or matMul + depthToSpace)',
    Conv3D: 'slow on wasm; depth-folded XNNPACK conv2d',
    Conv3DBackpropInputV2: 'wrong on wasm (off by ~15 at stride 1); depth-folded conv2d input gradient',
    Conv3DBackpropFilterV2: 'wrong on wasm at stride 2; depth-folded conv2d filter gradient',
    MaxPoolGrad: 'wrong on wasm (relative error ~1); mask of window maxima for filter == stride',
    ResizeBilinearGrad: 'ignores halfPixelCenters on wasm; two batched matMuls',
    SplitV: 'generic per-element slice for rank 5 on wasm (2.1 s per 3-D step); rank <= 3 slices',
    Sum: 'transposes leading-axis reductions; JS loop over the heap',
    Mean: 'transposes leading-axis reductions; JS loop over the heap',
    Tile: 'per-element (330 ms for 3 MB; also behind broadcastTo); broadcasting multiply by ones',
    Slice: '~250 MB/s even for contiguous blocks, per-element for rank 5; JS contiguous-run copies on the heap',
    Concat: 'slow channel interleave; JS contiguous-run copies on the heap',
    PadV2: 'generic loop; JS fill + contiguous-run copies on the heap',
    Identity: 'copies (the engine clones every tensor saved for backward, ~340 per step); shares memory, ref-counted',
    Cast: 'copies when casting to the same dtype (relu gradients); shares memory like Identity',
    Add: 'tensor + per-channel vector (conv3d bias add) through a slow rank-5 broadcast; native pass when the addon is active',
    MaxPool3DGrad: 'slow; native pass for filter == stride when the addon is active',
    MaxPool3D: 'slow; native pass for filter == stride when the addon is active',
  },
  webgpu: {
    Conv3D: "negative 'same' padding when kernel < stride (grid shifted by one voxel); depth-folded conv2d, which clamps it",
    Conv3DBackpropInputV2: 'same geometry fix as Conv3D',
    Conv3DBackpropFilterV2: 'same geometry fix as Conv3D',
    ResizeBilinearGrad: 'ignores halfPixelCenters (trilinear upsampling gradients wrong); two batched matMuls',
    ...Object.fromEntries(WEBGPU_BINARY_OPS.map((op) => [op, 'rank >= 5 with a per-channel vector (conv3d bias add): WGSL shader fails to compile (vec5 indexing), output zeros; folded to rank 2'])),
  },
  cpu: {
    Conv2D: 'native im2col + OpenBLAS sgemm when the addon is built; else stock',
    FusedConv2D: 'native (bias, relu) when the addon is built; else stock',
    Conv2DBackpropInput: 'native when the addon is built; else stock',
    Conv2DBackpropFilter: 'very slow on cpu (8.8 s per layer); one conv of the transposed input',
    Conv3D: 'naive on cpu; depth-folded conv2d',
    Conv3DBackpropInputV2: 'naive on cpu; depth-folded conv2d input gradient',
    Conv3DBackpropFilterV2: 'naive on cpu; depth-folded conv2d filter gradient',
    ResizeBilinearGrad: 'wrong shape ([N, W, H, C]) on cpu for non-square images; two batched matMuls',
    Sum: 'transposes leading-axis reductions; JS loop',
    Mean: 'transposes leading-axis reductions; JS loop',
    Slice: 'per-element indexing; JS contiguous-run copies',
    Concat: 'JS contiguous-run copies',
    PadV2: 'per-element indexing; JS fill + contiguous-run copies',
    Add: 'tensor + per-channel vector: native pass when the addon is active',
    MaxPoolGrad: 'native pass for filter == stride when the addon is active; else stock',
    MaxPool3DGrad: 'native pass for filter == stride when the addon is active; else stock',
    MaxPool3D: 'native pass for filter == stride when the addon is active; else stock',
  },
};

/**
 * Register this package's kernels for `backendName` (`'wasm'`, `'cpu'` or
 * `'webgpu'`; other backends get nothing). Idempotent. Returns the kernel names installed.
 * The convolution kernels run on the native addon (`native/conv.c`: im2col +
 * OpenBLAS sgemm) when it is built and enabled, and otherwise on the
 * formulations described in KERNEL_OVERRIDES (or the stock kernel).
 */
export function installKernels(backendName: string): string[] {
  const names = Object.keys(KERNEL_OVERRIDES[backendName] ?? {});
  if (installed.has(backendName)) return names;
  if (backendName === 'webgpu') {
    // tf-op formulations only (no synchronous reads, no native addon: the tensors live on the GPU).
    const impls = webgpuKernels();
    for (const name of names) overrideKernel(name, backendName, impls[name]);
    installed.add(backendName);
    return names;
  }
  const impls: Record<string, OpKernel> = {
    Conv2DBackpropFilter: conv2dBackpropFilterKernel,
    Conv2DBackpropInput: conv2dBackpropInputKernel,
    Conv3D: conv3dKernel,
    Conv3DBackpropInputV2: conv3dBackpropInputKernel,
    Conv3DBackpropFilterV2: conv3dBackpropFilterKernel,
    MaxPoolGrad: maxPoolGradKernel,
    MaxPool3DGrad: maxPool3dGradKernel,
    MaxPool3D: maxPool3dKernel,
    Add: addKernel,
    ResizeBilinearGrad: resizeBilinearGradKernel,
    SplitV: splitVKernel,
    Sum: sumKernel,
    Mean: meanKernel,
    Tile: tileKernel,
    Slice: sliceKernel,
    Concat: concatKernel,
    PadV2: padKernel,
  };
  // cpu's stock Conv2DBackpropInput and MaxPoolGrad are fine: without the addon they stay in use there.
  const fallbacks = backendName === 'cpu' ? { ...impls, Conv2DBackpropInput: undefined, MaxPoolGrad: undefined } : impls;
  const native: Record<string, OpKernel> = { ...nativeConvKernels(fallbacks), MaxPoolGrad: withNative(maxPoolGradNative, fallbacks.MaxPoolGrad) };
  for (const name of names) {
    if (name === 'Identity') overrideRawKernel(name, backendName, identityWasm);
    else if (name === 'Cast') overrideRawKernel(name, backendName, castSameDtypeWasm);
    else overrideKernel(name, backendName, native[name] ?? impls[name]);
  }
  installed.add(backendName);
  return names;
}
