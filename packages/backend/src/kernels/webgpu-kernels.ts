import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs, OpKernel, runKernel } from './override-kernel';
import { conv3dBackpropFilterKernel, conv3dBackpropInputKernel, conv3dKernel } from './conv3d-via-conv2d';
import { resizeBilinearGradKernel } from './resize-bilinear-grad';

/**
 * Fixes for tfjs-backend-webgpu 4.22, written with tf ops only (no synchronous
 * reads). Its WGSL generator indexes rank-5 coordinates as `coords[i]`, which
 * is invalid for its `vec5` struct: the shader fails to compile and the op
 * silently returns zeros (seen for a rank-5 tensor plus a per-channel vector,
 * i.e. every conv3d bias add, and for rank-5 stridedSlice).
 */

/** Binary ops whose webgpu shared-memory path (one input rank <= 1, < 128 long) breaks at rank >= 5. */
export const WEBGPU_BINARY_OPS = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference', 'Pow',
  'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'FloorDiv', 'Mod'];

/** `a op b` with a rank >= 5 tensor and a vector: fold the big one to [rest, last] (rank 2), run, unfold. */
export function binaryRank5Kernel(kernelName: string): OpKernel {
  return (inputs, attrs) => {
    const { a, b } = inputs;
    const big = a.rank >= 5 && b.rank <= 1 ? 'a' : b.rank >= 5 && a.rank <= 1 ? 'b' : undefined;
    if (big == null) return undefined;
    const x = inputs[big];
    const folded = tf.reshape(x, [-1, x.shape[x.rank - 1]]);
    const out = runKernel(kernelName, big === 'a' ? { a: folded, b } : { a, b: folded }, attrs);
    return tf.reshape(out, x.shape);
  };
}

type Triple = [number, number, number];

/** Whether a 'same' conv3d has a kernel extent smaller than its stride (tfjs then computes a negative padding). */
function kernelBelowStride(filterShape: number[], attrs: KernelAttrs): boolean {
  const { strides, pad, dilations } = attrs as { strides: number | Triple; pad: string; dilations?: number | Triple };
  if (pad !== 'same') return false;
  const s = typeof strides === 'number' ? [strides, strides, strides] : strides;
  const d = dilations == null ? [1, 1, 1] : typeof dilations === 'number' ? [dilations, dilations, dilations] : dilations;
  return [0, 1, 2].some((i) => (filterShape[i] - 1) * d[i] + 1 < s[i]);
}

/** The kernels `installKernels('webgpu')` registers. */
export function webgpuKernels(): Record<string, OpKernel> {
  const out: Record<string, OpKernel> = {
    // Negative 'same' padding (kernel < stride): the depth-folded conv2d formulation, which clamps it like TF/PyTorch.
    Conv3D: (inputs, attrs) => (kernelBelowStride(inputs.filter.shape, attrs) ? conv3dKernel(inputs, attrs) : undefined),
    Conv3DBackpropInputV2: (inputs, attrs) => (kernelBelowStride(inputs.filter.shape, attrs) ? conv3dBackpropInputKernel(inputs, attrs) : undefined),
    Conv3DBackpropFilterV2: (inputs, attrs) => (kernelBelowStride((attrs as { filterShape: number[] }).filterShape, attrs) ? conv3dBackpropFilterKernel(inputs, attrs) : undefined),
    ResizeBilinearGrad: (inputs, attrs) => resizeBilinearGradKernel(inputs, attrs),
  };
  for (const name of WEBGPU_BINARY_OPS) out[name] = binaryRank5Kernel(name);
  return out;
}
