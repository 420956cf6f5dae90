/**
 * The PI-CAI lesion-level evaluation: AP (lesion level), AUROC (case level), the PI-CAI ranking score
 * `(AUROC + AP) / 2` and the FROC curve, with the semantics of picai_eval 1.4.13.
 *
 * This TypeScript is an independent re-implementation of the published behaviour of picai_eval
 * (https://github.com/DIAGNijmegen/picai_eval, Apache License 2.0, Copyright 2022 Diagnostic Image Analysis Group,
 * Radboudumc, Nijmegen, The Netherlands) and of report_guided_annotation's `extract_lesion_candidates`
 * (https://github.com/DIAGNijmegen/Report-Guided-Annotation, MIT licence, Copyright (c) 2021 Diagnostic Image
 * Analysis Group). It was written from their documentation and source without copying code. Changes (Apache-2.0
 * §4(b)): a TypeScript API on flat arrays (`{ id, detection, truth, shape }` cases instead of lists of numpy arrays
 * or files), camelCase options, the curve computations of scikit-learn 1.2 that picai_eval calls are
 * re-implemented here, no file reading, no multi-threading, and inputs picai_eval would silently accept (NaN,
 * duplicate ids, mismatched shapes) raise errors.
 *
 * Licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0); distributed on an
 * "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 */
import { aflError } from '../../errors';
import { evaluateCaseInternal, LesionRow, parseCaseOptions, PicaiCaseOptions } from './evaluate-case';
import { precisionRecallCurve, rocCurve, trapezoidAuc } from './ranking-curves';

/** One case of {@link evaluatePicai}. */
export interface PicaiCase {
  /** Subject id; cases are sorted by id (string order) like picai_eval's `subject_list`. Must be unique. */
  id: string;
  /** Detection map (picai_eval's `y_det`), or a softmax map when `postprocess` extracts candidates. */
  detection: ArrayLike<number>;
  /** Ground truth (picai_eval's `y_true`): 0 background, non-zero lesion (values are truncated to integers). */
  truth: ArrayLike<number>;
  /** `[D, H, W]`, shared by `detection` and `truth` (row-major). */
  shape: readonly number[];
}

/** Options of {@link evaluatePicai}; defaults are picai_eval's. */
export interface EvaluatePicaiOptions extends PicaiCaseOptions {
  /**
   * Case weights in the order of `cases` (picai_eval's `sample_weight`); each case's lesion rows share its weight in
   * the PR curve, and the ROC curve is weighted by it. FROC counts are unweighted, as in picai_eval.
   */
  sampleWeight?: readonly number[];
}

/** The result of {@link evaluatePicai}, picai_eval's `Metrics`. Per-case arrays are aligned with `ids`. */
export interface PicaiMetrics {
  /** Lesion-level average precision. NaN when there are no rows at all (no lesion, no candidate). */
  ap: number;
  /** Case-level AUROC; NaN unless there are both positive and negative cases. */
  auroc: number;
  /** The PI-CAI ranking score, `(auroc + ap) / 2`. */
  score: number;
  /** Lesion-level PR curve (by ascending threshold, ending at precision 1, recall 0); precision is 0 at threshold 0. */
  precision: number[];
  recall: number[];
  /** Thresholds of the PR points (ascending; one fewer than `precision`). */
  prThresholds: number[];
  /** Case-level ROC curve (sklearn `roc_curve`, intermediate collinear points dropped). */
  caseFpr: number[];
  caseTpr: number[];
  /** FROC thresholds: the distinct lesion confidences, descending (thinned above 10,000 as picai_eval does). */
  thresholds: number[];
  /** TP and FP counts at `confidence >= threshold`; the last point is `(TP of the one before, Infinity)`. */
  frocTp: number[];
  frocFp: number[];
  /** FROC: lesion sensitivity `frocTp / numLesions` (float32 values; NaN without lesions). */
  frocSensitivity: number[];
  /** FROC: false positives per case `frocFp / numCases` (float32 values). */
  frocFpPerCase: number[];
  /** Subject ids, sorted. */
  ids: string[];
  /** Per-case lesion tables (TPs, FNs, FPs). */
  lesions: LesionRow[][];
  /** Per-case confidence and target (1: the case has a lesion). */
  casePred: number[];
  caseTarget: number[];
  caseWeight: number[];
  numCases: number;
  /** Number of ground-truth lesions (rows with `isLesion` 1). */
  numLesions: number;
}

function compareCodePoints(a: string, b: string): number {
  // Python's str ordering (by code point)
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}

/** picai_eval's threshold thinning above 10,000 distinct confidences (with numpy's integer `arange` behaviour). */
function thinThresholds(t: number[]): number[] {
  const n = t.length;
  if (n <= 10_000) return t;
  const step = n / 10_000;
  const len = Math.ceil((n - 1) / step);
  const delta = Math.trunc(1 + step) - 1; // np.arange(1, n, step, dtype=int32) steps by int(1 + step) - 1
  const picked = new Set<number>();
  for (let k = 0; k < len; k++) picked.add(1 + k * delta);
  return t.filter((v, k) => v > 0.8 || picked.has(k) || k >= n - 20);
}

/**
 * Lesion-level (AP, FROC) and case-level (AUROC) evaluation of 3-D detection maps, with picai_eval 1.4.13's
 * semantics (the PI-CAI challenge metric: `score = (AUROC + AP) / 2`).
 *
 * Per case, candidates (26-connected non-zero components of the detection map, scored by their max) are matched to
 * ground-truth lesions (26-connected components) by overlap (`minOverlap` 0.10 IoU by default; see
 * {@link evaluatePicaiCase}). All rows of all cases (sorted by id) make the PR curve: AP is
 * `Σ (R_k − R_{k−1}) P_k` over descending thresholds, with precision 0 at threshold 0 (missed lesions sit there).
 * AUROC is scikit-learn's `roc_curve` + `auc` on the case confidences (max of the detection map by default).
 *
 * @param cases `{ id, detection, truth, shape }`; `detection` is a detection map (like picai_eval's `y_det`) or a
 *   softmax map with `postprocess: { threshold: 'dynamic' }` (extractLesionCandidates settings) or a function.
 * @see https://github.com/DIAGNijmegen/picai_eval
 * @example
 * const m = evaluatePicai(
 *   [{ id: 'p1', detection: det1, truth: lab1, shape: [24, 160, 128] }, { id: 'p2', detection: det2, truth: lab2, shape: [24, 160, 128] }],
 *   { postprocess: { threshold: 'dynamic' } }, // when det1, det2 are softmax maps
 * );
 * console.log(m.ap, m.auroc, m.score);
 */
export function evaluatePicai(cases: readonly PicaiCase[], options: EvaluatePicaiOptions = {}): PicaiMetrics {
  const fn = 'evaluatePicai';
  if (!Array.isArray(cases)) throw aflError(fn, `cases must be an array of { id, detection, truth, shape }, got ${typeof cases}.`);
  if (cases.length === 0) throw aflError(fn, 'cases must hold at least one case, got 0.');
  const parsed = parseCaseOptions(fn, options);
  const { sampleWeight } = options;
  if (sampleWeight !== undefined) {
    if (!Array.isArray(sampleWeight) || sampleWeight.length !== cases.length) {
      throw aflError(fn, `sampleWeight must have one weight per case (${cases.length}), got ${Array.isArray(sampleWeight) ? sampleWeight.length : typeof sampleWeight}.`);
    }
    sampleWeight.forEach((w, k) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw aflError(fn, `sampleWeight must hold finite numbers >= 0, got ${w} for case ${k}.`);
    });
  }
  const seen = new Set<string>();
  const evaluated = cases.map((c, k) => {
    if (typeof c !== 'object' || c === null) throw aflError(fn, `case ${k} must be { id, detection, truth, shape }, got ${String(c)}.`);
    if (typeof c.id !== 'string') throw aflError(fn, `case ${k}: id must be a string, got ${String(c.id)}.`);
    if (seen.has(c.id)) throw aflError(fn, `case ids must be unique, got ${JSON.stringify(c.id)} twice.`);
    seen.add(c.id);
    const r = evaluateCaseInternal(fn, c.id, c.detection, c.truth, c.shape, parsed);
    return { id: c.id, weight: sampleWeight ? sampleWeight[k] : 1, ...r };
  });
  evaluated.sort((a, b) => compareCodePoints(a.id, b.id));

  const ids = evaluated.map((e) => e.id);
  const lesions = evaluated.map((e) => e.lesions);
  const casePred = evaluated.map((e) => e.casePred);
  const caseTarget = evaluated.map((e) => e.caseTarget as number);
  const caseWeight = evaluated.map((e) => e.weight);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const rowWeight: number[] = [];
  for (const e of evaluated) {
    for (const r of e.lesions) {
      yTrue.push(r.isLesion);
      yPred.push(r.confidence);
      rowWeight.push(e.weight);
    }
  }
  const numCases = evaluated.length;
  const numLesions = yTrue.reduce((s, v) => s + v, 0);

  // lesion-level PR curve and AP
  let ap = NaN;
  let precision: number[] = [];
  let recall: number[] = [];
  let prThresholds: number[] = [];
  if (yTrue.length > 0) {
    ({ precision, recall, thresholds: prThresholds } = precisionRecallCurve(yTrue, yPred, rowWeight));
    for (let k = 0; k < prThresholds.length; k++) if (prThresholds[k] === 0) precision[k] = 0;
    let sum = 0;
    for (let k = 0; k + 1 < recall.length; k++) sum += (recall[k + 1] - recall[k]) * precision[k];
    ap = 0 - sum; // (0 - 0 is +0, unlike -0)
  }

  // case-level ROC
  const roc = rocCurve(caseTarget, casePred, caseWeight);
  const auroc = trapezoidAuc(roc.fpr, roc.tpr);

  // FROC
  const thresholds = thinThresholds(Array.from(new Set(yPred)).sort((a, b) => b - a));
  let frocTp: number[];
  let frocFp: number[];
  if (thresholds.length < 2) {
    frocTp = [0, 0];
    frocFp = [0, Infinity];
  } else {
    frocTp = [];
    frocFp = [];
    for (const t of thresholds) {
      let tp = 0;
      let fp = 0;
      for (let k = 0; k < yPred.length; k++) {
        if (yPred[k] >= t) {
          if (yTrue[k]) tp++;
          else fp++;
        }
      }
      frocTp.push(tp);
      frocFp.push(fp);
    }
    frocTp[frocTp.length - 1] = frocTp[frocTp.length - 2];
    frocFp[frocFp.length - 1] = Infinity;
  }
  const frocSensitivity = frocTp.map((tp) => (numLesions > 0 ? Math.fround(Math.fround(tp) / numLesions) : NaN));
  const frocFpPerCase = frocFp.map((fp) => Math.fround(Math.fround(fp) / numCases));

  return {
    ap,
    auroc,
    score: (auroc + ap) / 2,
    precision,
    recall,
    prThresholds,
    caseFpr: roc.fpr,
    caseTpr: roc.tpr,
    thresholds,
    frocTp,
    frocFp,
    frocSensitivity,
    frocFpPerCase,
    ids,
    lesions,
    casePred,
    caseTarget,
    caseWeight,
    numCases,
    numLesions,
  };
}

/**
 * picai_eval's `lesion_TPR_at_FPR`: the FROC sensitivity at the last point with at most `fpPerCase` false positives
 * per case (compared in float32), or 0 when every point has more.
 *
 * @example
 * frocSensitivityAt(evaluatePicai(cases), 1); // sensitivity at 1 FP per case
 */
export function frocSensitivityAt(metrics: Pick<PicaiMetrics, 'frocSensitivity' | 'frocFpPerCase'>, fpPerCase: number): number {
  const x = Math.fround(fpPerCase);
  let result: number | undefined;
  for (let k = 0; k < metrics.frocFpPerCase.length; k++) if (metrics.frocFpPerCase[k] <= x) result = metrics.frocSensitivity[k];
  return result ?? 0;
}
