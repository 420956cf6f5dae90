import * as tf from '@tensorflow/tfjs-core';
import { KernelAttrs } from './override-kernel';

/**
 * Interpolation matrix A [outSize, inSize] of tfjs's ResizeBilinear along one
 * axis (same source-coordinate rules as its forward kernels), so that the
 * resize is y = A_h x A_w^T per channel and its gradient dx = A_h^T dy A_w.
 */
export function bilinearMatrix(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const ratio = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    const lo = Math.max(0, Math.floor(src));
    const frac = src - lo;
    const hi = Math.min(inSize - 1, Math.ceil(src));
    m[o * inSize + Math.min(lo, inSize - 1)] += 1 - frac;
    m[o * inSize + hi] += frac;
  }
  return m;
}

/**
 * `ResizeBilinearGrad` (inputs images, dy) as two batched matMuls. Replaces
 * tfjs 4.22's cpu kernel, which returns a [N, W, H, C] gradient for non-square
 * images, and its wasm kernel, which ignores `halfPixelCenters`.
 */
export function resizeBilinearGradKernel(inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  const { alignCorners, halfPixelCenters } = attrs as { alignCorners: boolean; halfPixelCenters: boolean };
  const [n, h, w, c] = inputs.images.shape;
  const dy = inputs.dy;
  const [, oh, ow] = dy.shape;
  const ah = tf.tensor2d(bilinearMatrix(h, oh, alignCorners, halfPixelCenters), [oh, h]);
  const aw = tf.tensor2d(bilinearMatrix(w, ow, alignCorners, halfPixelCenters), [ow, w]);
  // Rows: [H, OH] x [OH, OW*C] per image.
  const t = tf.matMul(tf.tile(tf.expandDims(ah, 0), [n, 1, 1]), tf.reshape(dy, [n, oh, ow * c]), true, false);
  // Columns: [W, OW] x [OW, C] per (image, row).
  const u = tf.matMul(tf.tile(tf.expandDims(aw, 0), [n * h, 1, 1]), tf.reshape(t, [n * h, ow, c]), true, false);
  return tf.reshape(u, [n, h, w, c]);
}
