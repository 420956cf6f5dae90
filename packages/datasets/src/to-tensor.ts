import * as tf from '@tensorflow/tfjs-core';
import type { SegmentationCase } from './segmentation-case';

/** What a batch is built from: one case, or one `[H, W]` slice `slice` of it. */
export interface BatchItem {
  case: Pick<SegmentationCase, 'id' | 'shape' | 'channels' | 'image' | 'mask'>;
  /** Slice index along D for 2-D batches. */
  slice?: number;
}

/**
 * Stacks cases into channels-last tensors: `image [B, D, H, W, C]` float32 and `mask [B, D, H, W, 1]` float32 0/1.
 * All cases must share shape and channel count. The caller owns (disposes) the returned tensors.
 */
export function casesToTensors(cases: readonly BatchItem['case'][]): { image: tf.Tensor5D; mask: tf.Tensor5D } {
  const fn = 'casesToTensors';
  if (cases.length === 0) throw new Error(`Error in ${fn}: need at least one case, got 0.`);
  const [D, H, W] = cases[0].shape;
  const C = cases[0].channels.length;
  const n = D * H * W;
  const image = new Float32Array(cases.length * n * C);
  const mask = new Float32Array(cases.length * n);
  cases.forEach((c, b) => {
    if (c.shape.join() !== cases[0].shape.join() || c.channels.length !== C) {
      throw new Error(`Error in ${fn}: every case must have shape [${cases[0].shape.join(', ')}] and ${C} channels, got [${c.shape.join(', ')}] and ${c.channels.length} (case ${c.id}).`);
    }
    image.set(c.image, b * n * C);
    for (let i = 0; i < n; i++) mask[b * n + i] = c.mask[i] !== 0 ? 1 : 0;
  });
  return { image: tf.tensor5d(image, [cases.length, D, H, W, C]), mask: tf.tensor5d(mask, [cases.length, D, H, W, 1]) };
}

/**
 * Stacks `[H, W]` slices into `image [B, H, W, C]` and `mask [B, H, W, 1]` (float32 0/1) for the 2-D models.
 * The caller owns (disposes) the returned tensors.
 */
export function slicesToTensors(items: readonly BatchItem[]): { image: tf.Tensor4D; mask: tf.Tensor4D } {
  const fn = 'slicesToTensors';
  if (items.length === 0) throw new Error(`Error in ${fn}: need at least one slice, got 0.`);
  const [, H, W] = items[0].case.shape;
  const C = items[0].case.channels.length;
  const hw = H * W;
  const image = new Float32Array(items.length * hw * C);
  const mask = new Float32Array(items.length * hw);
  items.forEach((it, b) => {
    const [D, h, w] = it.case.shape;
    const s = it.slice ?? 0;
    if (h !== H || w !== W || it.case.channels.length !== C || !(s >= 0 && s < D)) {
      throw new Error(`Error in ${fn}: slices must share [H, W] = [${H}, ${W}] and ${C} channels with 0 <= slice < D, got [${h}, ${w}], ${it.case.channels.length} channels, slice ${s} of ${D} (case ${it.case.id}).`);
    }
    image.set(it.case.image.subarray(s * hw * C, (s + 1) * hw * C), b * hw * C);
    for (let i = 0; i < hw; i++) mask[b * hw + i] = it.case.mask[s * hw + i] !== 0 ? 1 : 0;
  });
  return { image: tf.tensor4d(image, [items.length, H, W, C]), mask: tf.tensor4d(mask, [items.length, H, W, 1]) };
}
