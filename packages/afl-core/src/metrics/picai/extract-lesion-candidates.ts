/**
 * Lesion-candidate extraction from a probability (softmax) map, with the behaviour of
 * `report_guided_annotation.extract_lesion_candidates` (Report-Guided-Annotation 0.3.2).
 *
 * This TypeScript is an independent re-implementation of the published behaviour of Report-Guided-Annotation
 * (MIT licence, Copyright (c) 2021 Diagnostic Image Analysis Group, Radboudumc; https://github.com/DIAGNijmegen/
 * Report-Guided-Annotation), written from its documentation and source; no code was copied. Changes from the
 * original: arrays are flat `Float32Array`s with a `[D, H, W]` shape, options are camelCase, NaN inputs are
 * rejected instead of propagating. The MIT notice: "Permission is hereby granted, free of charge, to any person
 * obtaining a copy of this software ... The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software."
 */
import type * as tf from '@tensorflow/tfjs-core';
import { aflError } from '../../errors';
import { assertShape3d, labelComponents26, Shape3d, touches26 } from './connected-components';

/** A 3-D volume: `data` flat in row-major order over `shape = [D, H, W]`. */
export interface Volume3d<T extends ArrayLike<number> = ArrayLike<number>> {
  data: T;
  shape: readonly number[];
}

/** How candidates are thresholded: one of the dynamic modes, or a fixed probability. */
export type CandidateThreshold = 'dynamic' | 'dynamic-v2' | 'dynamic-fast' | number;

export const CANDIDATE_THRESHOLD_MODES = ['dynamic', 'dynamic-v2', 'dynamic-fast'] as const;

/** Options of {@link extractLesionCandidates}; the defaults are Report-Guided-Annotation's. */
export interface ExtractLesionCandidatesOptions {
  /**
   * `'dynamic-fast'` (default): one static threshold at `max(prob) / dynamicThresholdFactor`.
   * `'dynamic'`: candidates are extracted one at a time, each at `max(remaining) / dynamicThresholdFactor`
   * (version 1 of RGA's dynamic extraction, with its quirk: when every component above the threshold is too small,
   * extraction stops; this is what the PI-CAI baseline evaluation uses). `'dynamic-v2'`: the same, but such small
   * components are removed and extraction continues. A number: a static threshold.
   */
  threshold?: CandidateThreshold;
  /** Components with at most this many voxels are dropped (default 10: exactly 10 voxels is dropped). */
  minVoxelsDetection?: number;
  /** Dynamic modes: stop after this many stored candidates (default 5). */
  numLesionsToExtract?: number;
  /** Dynamic modes: the threshold is the current max divided by this (default 2.5). */
  dynamicThresholdFactor?: number;
  /** Dynamic modes: skip a candidate within one voxel (26-neighbourhood) of a stored one (default true). */
  removeAdjacentLesionCandidates?: boolean;
  /** Round each candidate's confidence to this many decimals (numpy `round`, half to even); default none. */
  maxProbRoundDecimals?: number | null;
  /** Dynamic modes: stop when the remaining max is below this (default 0.01). */
  maxProbFailsafeStoppingThreshold?: number;
}

/** One extracted candidate: RGA's `(index, confidence)` pair. */
export interface CandidateConfidence {
  /**
   * Static and `'dynamic-fast'` modes: the candidate's component label (26-connected, raster order; dropped
   * components leave gaps). Dynamic modes: its extraction order `1, 2, ...`.
   */
  index: number;
  /** The candidate's confidence: the max probability inside it (float32 values, as doubles). */
  confidence: number;
}

/** The result of {@link extractLesionCandidates}. */
export interface LesionCandidates {
  /** RGA's `hard_blobs`: every candidate's voxels hold its confidence, 0 elsewhere (float32, shape `[D, H, W]`). */
  candidates: { data: Float32Array; shape: [number, number, number] };
  /**
   * RGA's `confidences`. In `'dynamic'` mode an extraction that found only too-small components records
   * confidence 0 with no voxels (RGA's version-1 behaviour).
   */
  confidences: CandidateConfidence[];
  /** RGA's `indexed_blobs`: each candidate's voxels hold its `index`, 0 elsewhere. */
  labels: Int32Array;
}

interface Parsed {
  threshold: CandidateThreshold;
  minVoxels: number;
  numLesions: number;
  factor: number;
  removeAdjacentLesionCandidates: boolean;
  roundDecimals: number | null;
  failsafe: number;
}

function parseOptions(fn: string, o: ExtractLesionCandidatesOptions): Parsed {
  const threshold = o.threshold ?? 'dynamic-fast';
  if (typeof threshold === 'number') {
    if (!Number.isFinite(threshold)) throw aflError(fn, `threshold must be a finite number or one of 'dynamic', 'dynamic-v2', 'dynamic-fast', got ${threshold}.`);
  } else if (!(CANDIDATE_THRESHOLD_MODES as readonly string[]).includes(threshold)) {
    throw aflError(fn, `unsupported threshold ${JSON.stringify(threshold)}, available options are a number, "dynamic", "dynamic-v2", "dynamic-fast".`);
  }
  const int = (name: string, v: number, min: number): number => {
    if (!Number.isInteger(v) || v < min) throw aflError(fn, `${name} must be an integer >= ${min}, got ${v}.`);
    return v;
  };
  const minVoxels = int('minVoxelsDetection', o.minVoxelsDetection ?? 10, 0);
  const numLesions = int('numLesionsToExtract', o.numLesionsToExtract ?? 5, 0);
  const factor = o.dynamicThresholdFactor ?? 2.5;
  if (!Number.isFinite(factor) || factor <= 0) throw aflError(fn, `dynamicThresholdFactor must be a positive number, got ${factor}.`);
  const roundDecimals = o.maxProbRoundDecimals ?? null;
  if (roundDecimals !== null) int('maxProbRoundDecimals', roundDecimals, -20);
  const failsafe = o.maxProbFailsafeStoppingThreshold ?? 0.01;
  if (!Number.isFinite(failsafe) || failsafe <= 0) {
    throw aflError(fn, `maxProbFailsafeStoppingThreshold must be a positive number, got ${failsafe}.`);
  }
  return { threshold, minVoxels, numLesions, factor, removeAdjacentLesionCandidates: o.removeAdjacentLesionCandidates ?? true, roundDecimals, failsafe };
}

/** numpy's `round(x, decimals)`: scale, round half to even, unscale (in double). */
export function numpyRound(x: number, decimals: number): number {
  const rint = (y: number): number => {
    const r = Math.round(y);
    return r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  if (decimals >= 0) {
    const f = 10 ** decimals;
    return rint(x * f) / f;
  }
  const f = 10 ** -decimals;
  return rint(x / f) * f;
}

function maxOf(a: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

interface Extracted {
  hard: Float32Array;
  confidences: CandidateConfidence[];
  labels: Int32Array;
}

/**
 * The components of RGA's static extraction: voxels below `threshold` (compared in float32) are cleared, and the
 * 26-connected components of the rest with more than `minVoxels` voxels are kept (`kept[k]`), each with its
 * confidence `conf[k]` (its max, optionally rounded).
 */
function staticComponents(prob: Float32Array, shape: Shape3d, threshold: number, minVoxels: number, roundDecimals: number | null, fg: Uint8Array) {
  const t = Math.fround(threshold);
  const n = prob.length;
  for (let i = 0; i < n; i++) {
    const v = prob[i];
    fg[i] = !(v < t) && v !== 0 ? 1 : 0;
  }
  const { labels, count, sizes } = labelComponents26(fg, shape);
  const conf = new Float64Array(count + 1).fill(0); // np.max over the whole blob, zeros included
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    if (k !== 0 && prob[i] > conf[k]) conf[k] = prob[i];
  }
  const kept = new Uint8Array(count + 1);
  for (let k = 1; k <= count; k++) {
    if (sizes[k - 1] <= minVoxels) continue;
    kept[k] = 1;
    if (roundDecimals !== null) conf[k] = numpyRound(conf[k], roundDecimals);
  }
  return { labels, count, kept, conf };
}

/** RGA's `extract_lesion_candidates_static`: kept components hold their confidence. */
function extractStatic(prob: Float32Array, shape: Shape3d, threshold: number, minVoxels: number, roundDecimals: number | null): Extracted {
  const n = prob.length;
  const { labels, count, kept, conf } = staticComponents(prob, shape, threshold, minVoxels, roundDecimals, new Uint8Array(n));
  const confidences: CandidateConfidence[] = [];
  for (let k = 1; k <= count; k++) if (kept[k]) confidences.push({ index: k, confidence: conf[k] });
  const hard = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    if (k === 0) continue;
    if (!kept[k]) {
      labels[i] = 0;
      continue;
    }
    const v = prob[i];
    hard[i] = v > 0 ? conf[k] : v;
  }
  return { hard, confidences, labels };
}

/**
 * RGA's dynamic extraction (version 1 = `'dynamic'`, 2 = `'dynamic-v2'`). Each round thresholds the remaining map
 * at its max / factor, keeps the static candidate with the highest confidence (the first in label order on a tie:
 * distinct candidates never touch, so this is the first component of RGA's `hard_blobs == max` mask) and clears it.
 */
function extractDynamic(prob: Float32Array, shape: Shape3d, p: Parsed, version: 1 | 2): Extracted {
  const n = prob.length;
  const working = Float32Array.from(prob);
  const hard = new Float32Array(n);
  const stored = new Uint8Array(n);
  const labels = new Int32Array(n);
  const confidences: CandidateConfidence[] = [];
  const fg = new Uint8Array(n);
  while (confidences.length < p.numLesions) {
    const index = confidences.length + 1;
    const maxProb = maxOf(working);
    if (maxProb < p.failsafe) break;
    const threshold = Math.fround(maxProb / p.factor);
    const comps = staticComponents(working, shape, threshold, p.minVoxels, p.roundDecimals, fg);
    // the highest candidate value (float32, as stored in RGA's float32 hard_blobs) and the first candidate holding it
    let blobMax = 0;
    let best = 0;
    for (let k = 1; k <= comps.count; k++) {
      if (!comps.kept[k]) continue;
      const c = Math.fround(comps.conf[k]);
      if (c > blobMax) {
        blobMax = c;
        best = k;
      }
    }
    if (blobMax === 0 && version >= 2) {
      // only too-small components above the threshold: clear everything above it and go on
      for (let i = 0; i < n; i++) if (working[i] > threshold) working[i] = 0;
      continue;
    }
    // version 1 with no candidate: RGA's mask `hard_blobs == 0` is the whole volume
    const voxels: number[] = [];
    if (blobMax === 0) {
      for (let i = 0; i < n; i++) voxels.push(i);
    } else {
      for (let i = 0; i < n; i++) if (comps.labels[i] === best) voxels.push(i);
    }
    const adjacent = p.removeAdjacentLesionCandidates && touches26(voxels, stored, shape);
    if (!adjacent) {
      for (const i of voxels) {
        if (blobMax !== 0) hard[i] += blobMax;
        labels[i] += index;
        stored[i] = hard[i] > 0 ? 1 : 0;
      }
      confidences.push({ index, confidence: blobMax });
    }
    for (const i of voxels) working[i] = 0;
  }
  return { hard, confidences, labels };
}

function isTensor(x: unknown): x is tf.Tensor {
  return typeof x === 'object' && x !== null && typeof (x as { data?: unknown }).data === 'function' && Array.isArray((x as { shape?: unknown }).shape);
}

/** A rank-3 `[D, H, W]`, rank-4 `[D, H, W, 1]` or rank-5 `[1, D, H, W, 1]` shape as `[D, H, W]`. */
function spatialShape(fn: string, shape: readonly number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 4 && shape[3] === 1) return [shape[0], shape[1], shape[2]];
  if (shape.length === 5 && shape[0] === 1 && shape[4] === 1) return [shape[1], shape[2], shape[3]];
  throw aflError(fn, `prob must be [D, H, W], [D, H, W, 1] or [1, D, H, W, 1], got shape [${shape.join(', ')}].`);
}

function extractFromArray(fn: string, data: ArrayLike<number>, shapeIn: readonly number[], options: ExtractLesionCandidatesOptions): LesionCandidates {
  const p = parseOptions(fn, options);
  if (!Array.isArray(shapeIn) && !(shapeIn && typeof shapeIn.length === 'number')) throw aflError(fn, `prob.shape must be an array, got ${String(shapeIn)}.`);
  const shape = spatialShape(fn, Array.from(shapeIn));
  assertShape3d(fn, shape, data.length, 'prob');
  const prob = data instanceof Float32Array ? data : Float32Array.from(data);
  for (let i = 0; i < prob.length; i++) {
    if (Number.isNaN(prob[i])) throw aflError(fn, `prob must not contain NaN, got NaN at flat index ${i}.`);
  }
  let out: Extracted;
  if (p.threshold === 'dynamic' || p.threshold === 'dynamic-v2') {
    out = extractDynamic(prob, shape, p, p.threshold === 'dynamic' ? 1 : 2);
  } else if (p.threshold === 'dynamic-fast') {
    out = extractStatic(prob, shape, maxOf(prob) / p.factor, p.minVoxels, p.roundDecimals);
  } else {
    out = extractStatic(prob, shape, p.threshold, p.minVoxels, p.roundDecimals);
  }
  return { candidates: { data: out.hard, shape }, confidences: out.confidences, labels: out.labels };
}

/**
 * Extracts lesion candidates from a probability map, like Report-Guided-Annotation's `extract_lesion_candidates`
 * (the function picai_eval's examples pass as `y_det_postprocess_func`). The map is read as float32 (picai_eval
 * casts it before extraction) and every threshold comparison is done in float32, as numpy does.
 *
 * Candidates are 26-connected components; each holds its max probability. Defaults are RGA's:
 * `threshold: 'dynamic-fast'`, `minVoxelsDetection: 10`, `numLesionsToExtract: 5`, `dynamicThresholdFactor: 2.5`,
 * `removeAdjacentLesionCandidates: true`, no rounding, `maxProbFailsafeStoppingThreshold: 0.01` (dynamic modes).
 * The PI-CAI baseline evaluation uses `threshold: 'dynamic'`.
 *
 * Synchronous for a `{ data, shape }` volume; given a TF.js tensor (`[D, H, W]`, `[D, H, W, 1]` or
 * `[1, D, H, W, 1]`) it reads it with `await tensor.data()` and returns a Promise.
 *
 * @param prob probabilities, `{ data, shape: [D, H, W] }` (row-major), or a tensor.
 * @returns `{ candidates: { data, shape }, confidences: { index, confidence }[], labels }`.
 * @see https://github.com/DIAGNijmegen/Report-Guided-Annotation
 * @example
 * const { candidates, confidences } = extractLesionCandidates({ data: softmax, shape: [24, 160, 128] }, { threshold: 'dynamic' });
 */
export function extractLesionCandidates(prob: Volume3d, options?: ExtractLesionCandidatesOptions): LesionCandidates;
export function extractLesionCandidates(prob: tf.Tensor, options?: ExtractLesionCandidatesOptions): Promise<LesionCandidates>;
export function extractLesionCandidates(
  prob: Volume3d | tf.Tensor,
  options: ExtractLesionCandidatesOptions = {},
): LesionCandidates | Promise<LesionCandidates> {
  const fn = 'extractLesionCandidates';
  if (isTensor(prob)) {
    const shape = prob.shape.slice();
    spatialShape(fn, shape);
    parseOptions(fn, options);
    return prob.data().then((data) => extractFromArray(fn, data as ArrayLike<number>, shape, options));
  }
  if (typeof prob !== 'object' || prob === null || prob.data === undefined || prob.shape === undefined) {
    throw aflError(fn, `prob must be { data, shape } or a tf.Tensor, got ${prob === null ? 'null' : typeof prob}.`);
  }
  return extractFromArray(fn, prob.data, prob.shape, options);
}
