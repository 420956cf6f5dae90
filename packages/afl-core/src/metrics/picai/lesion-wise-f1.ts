/**
 * A lesion-wise detection summary for binary masks (no confidences): which ground-truth lesions were found, which
 * predicted lesions are false positives, and the lesion-level precision, recall and F1.
 */
import { aflError } from '../../errors';
import { assertShape3d, labelComponents26, Shape3d } from './connected-components';
import { OverlapFunction, OVERLAP_FUNCTIONS, picaiOverlap } from './evaluate-case';

/** Options of {@link lesionWiseF1}. */
export interface LesionWiseF1Options {
  /** A pair counts as a hit when its overlap is >= this, in (0, 1] (default 0.1, as PI-CAI). */
  minOverlap?: number;
  /** `'iou'` (default) or `'dsc'`, computed like picai_eval (1e-8 smoothing). */
  overlapFunction?: OverlapFunction;
  /** Prediction foreground where `prediction > threshold` (default 0.5, like the other hard metrics). */
  threshold?: number;
}

/** The result of {@link lesionWiseF1}. */
export interface LesionWiseF1 {
  /** Ground-truth lesions (26-connected components of `truth != 0`). */
  numTruthLesions: number;
  /** Predicted lesions (26-connected components of `prediction > threshold`). */
  numPredictedLesions: number;
  /** Ground-truth lesions overlapped by some predicted lesion with overlap >= minOverlap. */
  detected: number;
  /** `numTruthLesions - detected`. */
  missed: number;
  /** Predicted lesions with overlap < minOverlap with every ground-truth lesion. */
  falsePositives: number;
  /** `(numPredictedLesions - falsePositives) / numPredictedLesions`; NaN without predicted lesions. */
  precision: number;
  /** `detected / numTruthLesions`; NaN without ground-truth lesions. */
  recall: number;
  /**
   * Harmonic mean of precision and recall. Edge cases: NaN when there are no lesions in either mask (nothing to
   * detect, nothing detected; like the other metrics' NaN for undefined values); 0 when only one of them has
   * lesions; 0 when precision and recall are both 0.
   */
  f1: number;
}

/**
 * Lesion-wise detection counts and F1 of one binary prediction against a ground truth, both 3-D. Lesions are
 * 26-connected components. A ground-truth lesion is detected when at least one predicted lesion overlaps it with
 * `overlap >= minOverlap`; a predicted lesion is a false positive when it reaches that overlap with no ground-truth
 * lesion. Several predicted lesions on one ground-truth lesion are all true positives, and one predicted lesion may
 * detect several ground-truth lesions (no one-to-one matching, unlike {@link evaluatePicai}).
 *
 * @param truth `[D, H, W]` row-major, non-zero = lesion.
 * @param prediction `[D, H, W]` row-major, foreground where `> threshold`.
 * @param shape `[D, H, W]` (a 2-D image is `[1, H, W]`).
 * @example
 * const { detected, missed, falsePositives, f1 } = lesionWiseF1(label, mask, [24, 160, 128]);
 */
export function lesionWiseF1(
  truth: ArrayLike<number>,
  prediction: ArrayLike<number>,
  shape: readonly number[],
  options: LesionWiseF1Options = {},
): LesionWiseF1 {
  const fn = 'lesionWiseF1';
  const { minOverlap = 0.1, overlapFunction = 'iou', threshold = 0.5 } = options;
  if (!(minOverlap > 0 && minOverlap <= 1)) throw aflError(fn, `minOverlap must be in (0, 1], got ${minOverlap}.`);
  if (!Number.isFinite(threshold)) throw aflError(fn, `threshold must be a finite number, got ${threshold}.`);
  if (!OVERLAP_FUNCTIONS.includes(overlapFunction)) {
    throw aflError(fn, `unsupported overlapFunction ${JSON.stringify(overlapFunction)}, available options are "iou", "dsc".`);
  }
  if (!truth || typeof truth.length !== 'number') throw aflError(fn, `truth must be an array of numbers, got ${String(truth)}.`);
  if (!prediction || typeof prediction.length !== 'number') throw aflError(fn, `prediction must be an array of numbers, got ${String(prediction)}.`);
  const n = assertShape3d(fn, shape, truth.length, 'truth');
  assertShape3d(fn, shape, prediction.length, 'prediction');
  const s: Shape3d = [shape[0], shape[1], shape[2]];
  const t = new Uint8Array(n);
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = truth[i];
    const b = prediction[i];
    if (Number.isNaN(a) || Number.isNaN(b)) throw aflError(fn, `truth and prediction must not contain NaN, got NaN at flat index ${i}.`);
    t[i] = a !== 0 ? 1 : 0;
    p[i] = b > threshold ? 1 : 0;
  }
  const gt = labelComponents26(t, s);
  const pr = labelComponents26(p, s);
  const inter = new Map<number, number>(); // (gt - 1) * pr.count + (pred - 1) -> voxels
  for (let i = 0; i < n; i++) {
    const a = gt.labels[i];
    const b = pr.labels[i];
    if (a !== 0 && b !== 0) {
      const key = (a - 1) * pr.count + (b - 1);
      inter.set(key, (inter.get(key) ?? 0) + 1);
    }
  }
  const gtHit = new Uint8Array(gt.count);
  const prHit = new Uint8Array(pr.count);
  for (const [key, v] of inter) {
    const a = Math.floor(key / pr.count);
    const b = key - a * pr.count;
    if (picaiOverlap(v, pr.sizes[b], gt.sizes[a], overlapFunction) >= minOverlap) {
      gtHit[a] = 1;
      prHit[b] = 1;
    }
  }
  const detected = gtHit.reduce((x, v) => x + v, 0);
  const truePredictions = prHit.reduce((x, v) => x + v, 0);
  const precision = pr.count > 0 ? truePredictions / pr.count : NaN;
  const recall = gt.count > 0 ? detected / gt.count : NaN;
  let f1: number;
  if (gt.count === 0 && pr.count === 0) f1 = NaN;
  else if (gt.count === 0 || pr.count === 0) f1 = 0;
  else f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    numTruthLesions: gt.count,
    numPredictedLesions: pr.count,
    detected,
    missed: gt.count - detected,
    falsePositives: pr.count - truePredictions,
    precision,
    recall,
    f1,
  };
}
