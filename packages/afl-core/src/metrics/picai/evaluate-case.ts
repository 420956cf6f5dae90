/**
 * One case of the PI-CAI lesion-level evaluation: picai_eval's `evaluate_case` (candidates matched to ground-truth
 * lesions, rows of `(isLesion, confidence, overlap)`) and the case-level confidence.
 *
 * A re-implementation of picai_eval 1.4.13's published behaviour; see `evaluate-picai.ts` for the attribution.
 */
import { aflError } from '../../errors';
import { assertShape3d, labelComponents26, Shape3d } from './connected-components';
import { extractLesionCandidates, ExtractLesionCandidatesOptions } from './extract-lesion-candidates';
import { linearSumAssignment } from './linear-sum-assignment';

/** One row of a case's lesion table, picai_eval's `(is_lesion, confidence, overlap)`. */
export interface LesionRow {
  /** 1 for a ground-truth lesion (detected or missed), 0 for a false-positive candidate. */
  isLesion: 0 | 1;
  /** The matched candidate's confidence; 0 for a missed lesion. */
  confidence: number;
  /** The matched candidate's overlap (IoU or DSC) with the lesion; 0 for missed lesions and false positives. */
  overlap: number;
}

export type OverlapFunction = 'iou' | 'dsc';
export const OVERLAP_FUNCTIONS: readonly OverlapFunction[] = ['iou', 'dsc'];

/** The case-level confidence: `'max'` of the detection map, `'bayesian'` `1 - Π(1 - c_i)`, or your own function. */
export type CaseConfidence = 'max' | 'bayesian' | ((detection: Float32Array, shape: Shape3d) => number);

/** A detection-map post-processing step (picai_eval's `y_det_postprocess_func`) or extraction settings. */
export type DetectionPostprocess = ((detection: Float32Array, shape: Shape3d) => ArrayLike<number>) | ExtractLesionCandidatesOptions;

/** Options shared by {@link evaluatePicaiCase} and `evaluatePicai`; defaults are picai_eval's. */
export interface PicaiCaseOptions {
  /** Minimal overlap for a candidate to count as a hit (default 0.10). */
  minOverlap?: number;
  /** `'iou'` (default) or `'dsc'`, both as picai_eval computes them (with a 1e-8 smoothing term). */
  overlapFunction?: OverlapFunction;
  /** Case-level confidence (default `'max'`). */
  caseConfidence?: CaseConfidence;
  /**
   * True (default): a candidate with sufficient overlap that loses the matching to another candidate is dropped;
   * false: it is a false positive.
   */
  allowUnmatchedCandidatesWithMinimalOverlap?: boolean;
  /**
   * Applied to the float32 detection map before parsing it: a function, or `extractLesionCandidates` options (then
   * `detection` may be a softmax map), e.g. `{ threshold: 'dynamic' }`.
   */
  postprocess?: DetectionPostprocess;
}

/** The result of {@link evaluatePicaiCase}. */
export interface PicaiCaseResult {
  /** Matched lesions (TPs), then missed lesions (FNs), then false-positive candidates, as picai_eval orders them. */
  lesions: LesionRow[];
  /** The case-level confidence. */
  casePred: number;
  /** 1 when some row is a lesion (the case has a ground-truth lesion), else 0. */
  caseTarget: 0 | 1;
}

/** Parsed options. */
export interface ParsedCaseOptions {
  minOverlap: number;
  overlapFunction: OverlapFunction;
  caseConfidence: CaseConfidence;
  allowUnmatched: boolean;
  postprocess?: DetectionPostprocess;
}

export function parseCaseOptions(fn: string, o: PicaiCaseOptions): ParsedCaseOptions {
  const minOverlap = o.minOverlap ?? 0.1;
  if (typeof minOverlap !== 'number' || !Number.isFinite(minOverlap)) throw aflError(fn, `minOverlap must be a finite number, got ${String(minOverlap)}.`);
  const overlapFunction = o.overlapFunction ?? 'iou';
  if (!OVERLAP_FUNCTIONS.includes(overlapFunction)) {
    throw aflError(fn, `unsupported overlapFunction ${JSON.stringify(overlapFunction)}, available options are "iou", "dsc".`);
  }
  const caseConfidence = o.caseConfidence ?? 'max';
  if (caseConfidence !== 'max' && caseConfidence !== 'bayesian' && typeof caseConfidence !== 'function') {
    throw aflError(fn, `unsupported caseConfidence ${JSON.stringify(caseConfidence)}, available options are "max", "bayesian" or a function.`);
  }
  const postprocess = o.postprocess;
  if (postprocess !== undefined && typeof postprocess !== 'function' && (typeof postprocess !== 'object' || postprocess === null)) {
    throw aflError(fn, `postprocess must be a function or extractLesionCandidates options, got ${String(postprocess)}.`);
  }
  return { minOverlap, overlapFunction, caseConfidence, allowUnmatched: o.allowUnmatchedCandidatesWithMinimalOverlap ?? true, postprocess };
}

/** picai_eval's overlap of a candidate and a lesion from voxel counts (`1e-8` smoothing, in double). */
export function picaiOverlap(intersection: number, candidateSize: number, lesionSize: number, f: OverlapFunction): number {
  const eps = 1e-8;
  if (f === 'dsc') return (intersection * 2.0 + eps) / (candidateSize + lesionSize + eps);
  return (intersection + eps) / (candidateSize + lesionSize - intersection + eps);
}

/** Internal worker: `fn` and `id` name the caller and the case in error messages. */
export function evaluateCaseInternal(
  fn: string,
  id: string | undefined,
  detectionIn: ArrayLike<number>,
  truth: ArrayLike<number>,
  shapeIn: readonly number[],
  p: ParsedCaseOptions,
): PicaiCaseResult {
  const where = id === undefined ? '' : `case ${JSON.stringify(id)}: `;
  const fail = (msg: string): Error => aflError(fn, where + msg);
  if (!detectionIn || typeof detectionIn.length !== 'number') throw fail(`detection must be an array of numbers, got ${String(detectionIn)}.`);
  if (!truth || typeof truth.length !== 'number') throw fail(`truth must be an array of numbers, got ${String(truth)}.`);
  try {
    assertShape3d(fn, shapeIn, detectionIn.length, 'detection');
    assertShape3d(fn, shapeIn, truth.length, 'truth');
  } catch (e) {
    throw fail((e as Error).message.replace(`Error in ${fn}: `, ''));
  }
  const shape: Shape3d = [shapeIn[0], shapeIn[1], shapeIn[2]];
  const n = detectionIn.length;

  // picai_eval casts the detection map to float32 before post-processing it
  let detection = Float32Array.from(detectionIn);
  if (p.postprocess !== undefined) {
    let out: ArrayLike<number>;
    if (typeof p.postprocess === 'function') {
      out = p.postprocess(detection, shape);
    } else {
      try {
        out = extractLesionCandidates({ data: detection, shape }, p.postprocess).candidates.data;
      } catch (e) {
        throw fail(`postprocess (extractLesionCandidates) failed: ${(e as Error).message}`);
      }
    }
    if (!out || out.length !== n) throw fail(`postprocess must return ${n} values (shape [${shape.join(', ')}]), got ${out ? out.length : String(out)}.`);
    detection = out instanceof Float32Array ? out : Float32Array.from(out);
  }
  let detMax = 0;
  for (let i = 0; i < n; i++) {
    const v = detection[i];
    if (Number.isNaN(v)) throw fail(`detection must not contain NaN, got NaN at flat index ${i}.`);
    if (v < 0) throw fail(`all detection confidences must be >= 0, got ${v} at flat index ${i}.`);
    if (v > detMax) detMax = v;
  }

  // candidates: 26-connected non-zero components, each with its max confidence
  const detFg = new Uint8Array(n);
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (detection[i] !== 0) {
      detFg[i] = 1;
      distinct.add(detection[i]);
    }
  }
  const cand = labelComponents26(detFg, shape);
  if (cand.count < distinct.size) {
    throw fail(
      `the detection map has ${cand.count} connected candidates but ${distinct.size} distinct non-zero values; it looks like a softmax map, not a detection map (each candidate must hold one value). Extract candidates first, e.g. postprocess: { threshold: 'dynamic' }.`,
    );
  }
  const confidence = new Float64Array(cand.count).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const k = cand.labels[i];
    if (k !== 0 && detection[i] > confidence[k - 1]) confidence[k - 1] = detection[i];
  }

  // ground-truth lesions: picai_eval casts the label to int32, so non-integer values are truncated
  const gtFg = new Uint8Array(n);
  let anyLesion = false;
  for (let i = 0; i < n; i++) {
    const v = truth[i];
    if (!Number.isFinite(v)) throw fail(`truth must hold finite numbers, got ${v} at flat index ${i}.`);
    if (Math.trunc(v) !== 0) {
      gtFg[i] = 1;
      anyLesion = true;
    }
  }

  const lesions: LesionRow[] = [];
  if (!anyLesion) {
    for (let j = 0; j < cand.count; j++) lesions.push({ isLesion: 0, confidence: confidence[j], overlap: 0 });
  } else {
    const gt = labelComponents26(gtFg, shape);
    const nc = cand.count;
    const inter = new Float64Array(gt.count * nc);
    for (let i = 0; i < n; i++) {
      const a = gt.labels[i];
      const b = cand.labels[i];
      if (a !== 0 && b !== 0) inter[(a - 1) * nc + (b - 1)]++;
    }
    const matrix: number[][] = [];
    for (let a = 0; a < gt.count; a++) {
      const row: number[] = [];
      for (let b = 0; b < nc; b++) {
        let o = picaiOverlap(inter[a * nc + b], cand.sizes[b], gt.sizes[a], p.overlapFunction);
        if (o < p.minOverlap) o = 0;
        if (o > 0) o += 1; // prioritise the number of matches over the amount of overlap
        row.push(o);
      }
      matrix.push(row);
    }
    const { rows, cols } = linearSumAssignment(matrix, true);
    const gtMatched = new Uint8Array(gt.count);
    const candMatched = new Uint8Array(nc);
    for (let k = 0; k < rows.length; k++) {
      const o = matrix[rows[k]][cols[k]];
      if (!(o > 0)) continue;
      gtMatched[rows[k]] = 1;
      candMatched[cols[k]] = 1;
      lesions.push({ isLesion: 1, confidence: confidence[cols[k]], overlap: o - 1 });
    }
    for (let a = 0; a < gt.count; a++) if (!gtMatched[a]) lesions.push({ isLesion: 1, confidence: 0, overlap: 0 });
    for (let b = 0; b < nc; b++) {
      let fp: boolean;
      if (p.allowUnmatched) fp = matrix.every((row) => !(row[b] > 0));
      else fp = !candMatched[b];
      if (fp) lesions.push({ isLesion: 0, confidence: confidence[b], overlap: 0 });
    }
  }

  let casePred: number;
  if (p.caseConfidence === 'max') {
    casePred = detMax;
  } else if (p.caseConfidence === 'bayesian') {
    let prod = 1;
    for (let j = 0; j < cand.count; j++) prod *= 1 - confidence[j];
    casePred = 1 - prod;
  } else {
    casePred = p.caseConfidence(detection, shape);
    if (typeof casePred !== 'number' || Number.isNaN(casePred)) throw fail(`caseConfidence must return a number, got ${String(casePred)}.`);
  }
  const caseTarget: 0 | 1 = lesions.some((r) => r.isLesion === 1) ? 1 : 0;
  return { lesions, casePred, caseTarget };
}

/**
 * Evaluates one case like picai_eval's `evaluate_case`: candidates (26-connected non-zero components of the
 * detection map, each scored by its max) are matched one-to-one to ground-truth lesions (26-connected components of
 * `truth`) by a maximum-weight assignment on the overlap matrix in which overlaps below `minOverlap` are 0 and the
 * others count 1 + overlap.
 *
 * @param detection a detection map (each candidate one constant confidence; or a softmax map with `postprocess`).
 * @param truth the ground truth, 0 = background, non-zero = lesion.
 * @param shape `[D, H, W]`.
 * @example
 * const { lesions, casePred, caseTarget } = evaluatePicaiCase(detMap, label, [24, 160, 128]);
 */
export function evaluatePicaiCase(
  detection: ArrayLike<number>,
  truth: ArrayLike<number>,
  shape: readonly number[],
  options: PicaiCaseOptions = {},
): PicaiCaseResult {
  const fn = 'evaluatePicaiCase';
  return evaluateCaseInternal(fn, undefined, detection, truth, shape, parseCaseOptions(fn, options));
}
