/**
 * Precision-recall and ROC curves with scikit-learn's semantics (`precision_recall_curve`, `roc_curve` with
 * `drop_intermediate=True`, `auc`), as picai_eval 1.4.13 uses them (scikit-learn 1.2).
 *
 * Part of the PI-CAI evaluation port (see `evaluate-picai.ts`).
 */

/** Cumulative true/false positive (weighted) counts at each distinct score, descending: sklearn's `_binary_clf_curve`. */
export function binaryClfCurve(
  yTrue: readonly number[],
  yScore: readonly number[],
  weights?: readonly number[],
): { fps: number[]; tps: number[]; thresholds: number[] } {
  let idx = yTrue.map((_, k) => k);
  if (weights) idx = idx.filter((k) => weights[k] !== 0); // sklearn drops zero-weight samples
  idx.sort((a, b) => yScore[b] - yScore[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < idx.length; k++) {
    const s = idx[k];
    const w = weights ? weights[s] : 1;
    if (yTrue[s]) tp += w;
    else fp += w;
    if (k === idx.length - 1 || yScore[idx[k + 1]] !== yScore[s]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(yScore[s]);
    }
  }
  return { fps, tps, thresholds };
}

/**
 * sklearn's `precision_recall_curve`: points by ascending threshold, then the final point (precision 1, recall 0).
 * Recall is 1 everywhere when there is no positive sample (sklearn warns and does the same).
 */
export function precisionRecallCurve(
  yTrue: readonly number[],
  yScore: readonly number[],
  weights?: readonly number[],
): { precision: number[]; recall: number[]; thresholds: number[] } {
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, weights);
  const m = tps.length;
  const totalTp = m > 0 ? tps[m - 1] : 0;
  const precision: number[] = [];
  const recall: number[] = [];
  for (let k = m - 1; k >= 0; k--) {
    const ps = tps[k] + fps[k];
    precision.push(ps !== 0 ? tps[k] / ps : 0);
    recall.push(totalTp === 0 ? 1 : tps[k] / totalTp);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: thresholds.slice().reverse() };
}

/**
 * sklearn's `roc_curve(drop_intermediate=True)`: collinear points dropped, a first point (0, 0) prepended; FPR (TPR)
 * is NaN throughout when there is no negative (positive) sample.
 */
export function rocCurve(
  yTrue: readonly number[],
  yScore: readonly number[],
  weights?: readonly number[],
): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, weights);
  if (fps.length > 2) {
    const keep: number[] = [0];
    for (let k = 1; k < fps.length - 1; k++) {
      const d2f = fps[k + 1] - fps[k] - (fps[k] - fps[k - 1]); // numpy's diff(x, 2)
      const d2t = tps[k + 1] - tps[k] - (tps[k] - tps[k - 1]);
      if (d2f !== 0 || d2t !== 0) keep.push(k);
    }
    keep.push(fps.length - 1);
    fps = keep.map((k) => fps[k]);
    tps = keep.map((k) => tps[k]);
    thresholds = keep.map((k) => thresholds[k]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [thresholds.length ? thresholds[0] + 1 : Infinity, ...thresholds];
  const lastF = fps[fps.length - 1];
  const lastT = tps[tps.length - 1];
  const fpr = fps.map((f) => (lastF <= 0 ? NaN : f / lastF));
  const tpr = tps.map((t) => (lastT <= 0 ? NaN : t / lastT));
  return { fpr, tpr, thresholds };
}

/**
 * sklearn's `auc(x, y)`: trapezoidal area, for x monotonically increasing or decreasing (NaN when the curve holds
 * NaN, e.g. a ROC curve without positive or negative cases).
 */
export function trapezoidAuc(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) return NaN;
  let increasing = true;
  let decreasing = true;
  for (let k = 1; k < x.length; k++) {
    const dx = x[k] - x[k - 1];
    if (dx < 0) increasing = false;
    if (dx > 0) decreasing = false;
  }
  const direction = increasing ? 1 : decreasing ? -1 : NaN;
  let area = 0;
  for (let k = 1; k < x.length; k++) area += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
  return direction * area;
}
