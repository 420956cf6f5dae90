import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  adaptiveParameters,
  authorsSoftDice,
  authorsSoftIoU,
  confusionCounts,
  diceFromCounts,
  disposeAdaptiveParameters,
  hausdorff95,
  iouFromCounts,
  sensitivityFromCounts,
  specificityFromCounts,
} from '@afl/core';
import { boundarySmoothness, lesionVolume } from '../metrics/lesion-shape';
import type { CaseResult } from '../results/result-schema';
import type { SplitDataset } from '../train/dataset-types';
import { tumourProbabilities } from '../train/train-model';
import { slidingWindowInference } from './sliding-window';

export interface EvaluateOptions {
  /** Network input size; volumes larger than it are predicted by sliding windows. */
  roiSize: number[];
  /** Voxel size in mm, in the tensor's axis order (default 1: metrics in voxel units). */
  spacing?: number[];
  overlap?: number;
  /**
   * Called (and awaited) once per case after it is scored, before its tensors are freed: e.g. to draw the
   * prediction ({@link EvaluatedCase}). The mask and probabilities come with their host values; read other tensors
   * with `await t.data()`; do not dispose them.
   */
  onCase?: (evaluated: EvaluatedCase) => void | Promise<void>;
}

/** One scored case as {@link EvaluateOptions.onCase} sees it. */
export interface EvaluatedCase {
  result: CaseResult;
  /** The network's input, `[1, ...spatial, C]` (channels-last). */
  image: tf.Tensor;
  /** The ground-truth mask, `[1, ...spatial, 1]`. */
  mask: tf.Tensor;
  /** The tumour channel's probabilities, `[1, ...spatial, 1]`. */
  probabilities: tf.Tensor;
  /** `mask` and `probabilities` as already read to the host (C order), so that consumers need not read them again. */
  maskData: ArrayLike<number>;
  probabilityData: Float32Array;
}

/** The authors' soft sensitivity and specificity: soft counts from probabilities, background and tumour averaged. */
async function softRates(mask: tf.Tensor, probs: tf.Tensor): Promise<{ sensitivity: number; specificity: number }> {
  const sums = tf.tidy(() => {
    const g = tf.cast(mask, 'float32');
    return [tf.sum(tf.mul(probs, g)), tf.sum(tf.mul(tf.sub(1, probs), g)), tf.sum(tf.mul(tf.sub(1, probs), tf.sub(1, g))), tf.sum(tf.mul(probs, tf.sub(1, g)))];
  });
  const [tp, fn, tn, fp] = await Promise.all(sums.map(async (t) => (await t.data())[0]));
  tf.dispose(sums);
  const eps = 1e-5;
  // Background channel: its positives are the tumour channel's negatives.
  const sensFg = (tp + eps) / (tp + fn + eps);
  const sensBg = (tn + eps) / (tn + fp + eps);
  return { sensitivity: (sensFg + sensBg) / 2, specificity: (sensBg + sensFg) / 2 };
}

/** Predicts every case of a split (batch 1) and scores it: hard and soft metrics, HD95, and the mask's shape measures. */
export async function evaluateCases(
  model: LayersModel,
  dataset: SplitDataset,
  split: 'val' | 'test',
  options: EvaluateOptions,
): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for await (const batch of dataset.split(split).batches({ batchSize: 1, shuffle: false, seed: 0, augment: false })) {
    const spatial = batch.mask.shape.slice(1, -1);
    const spacing = options.spacing ?? spatial.map(() => 1);
    const fits = spatial.every((s, i) => s === options.roiSize[i]);
    const logits = fits
      ? tf.tidy(() => model.predict(batch.image) as tf.Tensor)
      : await slidingWindowInference(batch.image, options.roiSize, (w) => model.predict(w) as tf.Tensor, { overlap: options.overlap ?? 0.25 });
    const probs = tumourProbabilities(logits);
    const [c] = await confusionCounts(batch.mask, probs);
    const params = await adaptiveParameters(batch.mask);
    const [maskData, probabilityData] = (await Promise.all([batch.mask.data(), probs.data()])) as [tf.TypedArray, Float32Array];
    const soft = await softRates(batch.mask, probs);
    out.push({
      caseId: batch.caseIds[0],
      split,
      dice: diceFromCounts(c),
      iou: iouFromCounts(c),
      sensitivity: sensitivityFromCounts(c),
      specificity: specificityFromCounts(c),
      soft: { dice: (await authorsSoftDice(batch.mask, logits))[0], iou: (await authorsSoftIoU(batch.mask, logits))[0], ...soft },
      hd95: (await hausdorff95(batch.mask, probs, { spacing }))[0],
      gammaVa: (await params.gammaVa.data())[0],
      gammaMSa: (await params.gammaMSa.data())[0],
      lesionVolume: lesionVolume(maskData, spatial, spacing),
      smoothness: boundarySmoothness(maskData, spatial, spacing),
    });
    if (options.onCase) await options.onCase({ result: out[out.length - 1], image: batch.image, mask: batch.mask, probabilities: probs, maskData, probabilityData });
    disposeAdaptiveParameters(params);
    tf.dispose([batch.image, batch.mask, logits, probs]);
  }
  return out;
}
