import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sharedForTest } from '../../testing/shared';
import { labelComponents26 } from './connected-components';
import { extractLesionCandidates } from './extract-lesion-candidates';
import { evaluatePicai, EvaluatePicaiOptions, frocSensitivityAt } from './evaluate-picai';
import { LesionRow } from './evaluate-case';

// Reference outputs of picai_eval 1.4.13 / report_guided_annotation 0.3.2 (shared/reference/picai_eval/README.md).

type Num = number | string;
interface RefArray {
  shape: number[];
  dtype: string;
  data: Num[];
}
interface InputCase {
  id: string;
  shape: number[];
  y_true: RefArray;
  detection_map: RefArray;
  softmax: RefArray;
}
interface CandidateResult {
  hard_blobs: RefArray;
  confidences: [number, number][];
  num_components: number;
}
interface Evaluation {
  name: string;
  y_det: 'detection_map' | 'softmax';
  params: Record<string, unknown>;
  per_case: { id: string; case_target: number; case_pred: number; lesion_results: [number, number, number][] }[];
  metrics: Record<string, Num | Num[] | Record<string, Num>>;
}

const num = (v: Num): number => (typeof v === 'string' ? Number(v) : v);
const nums = (a: Num[]): number[] => a.map(num);

const ref = sharedForTest('reference', 'picai_eval');
const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(ref.path as string, file), 'utf8')) as T;

/** Largest |actual - expected| per quantity, printed at the end (for the record). */
const worst = new Map<string, number>();
function close(actual: number, expected: number, tol: number, what: string): void {
  const both = Number.isNaN(actual) && Number.isNaN(expected);
  const same = actual === expected; // Infinity
  const d = both || same ? 0 : Math.abs(actual - expected);
  const key = what.replace(/\[.*$/, '').replace(/^.*: /, '');
  worst.set(key, Math.max(worst.get(key) ?? 0, d));
  assert.ok(d <= tol, `${what}: got ${actual}, expected ${expected} (tol ${tol})`);
}
function allClose(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) close(actual[i], expected[i], tol, `${what}[${i}]`);
}

function sortRows(rows: readonly (readonly number[])[]): number[][] {
  return rows.map((r) => [...r]).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
}

describe('PI-CAI evaluation against picai_eval 1.4.13 / report_guided_annotation 0.3.2', { skip: ref.skip }, () => {
  if (ref.skip) return;
  const inputs = read<{ cases: InputCase[] }>('inputs.json').cases;
  const candidates = read<{ cases: { id: string; results: Record<string, CandidateResult> }[] }>('candidates.json').cases;
  const evaluations = read<{ evaluations: Evaluation[] }>('evaluations.json').evaluations;
  const byId = new Map(inputs.map((c) => [c.id, c]));

  after(() => {
    const lines = [...worst.entries()].map(([k, v]) => `${k}: ${v.toExponential(2)}`);
    console.log(`[picai reference] max |deviation| per quantity: ${lines.join(', ')}`);
  });

  it('has the expected reference files', () => {
    assert.equal(inputs.length, 13);
    assert.equal(candidates.length, 13);
    assert.equal(evaluations.length, 8);
  });

  const modes: Record<string, 'dynamic' | 'dynamic-v2' | 'dynamic-fast' | number> = {
    dynamic: 'dynamic',
    'dynamic-v2': 'dynamic-v2',
    'dynamic-fast': 'dynamic-fast',
    'static-0.1': 0.1,
  };
  for (const [mode, threshold] of Object.entries(modes)) {
    it(`extractLesionCandidates, threshold ${JSON.stringify(threshold)}: every candidate map and confidence`, () => {
      for (const c of candidates) {
        const input = byId.get(c.id) as InputCase;
        const expected = c.results[mode];
        const got = extractLesionCandidates({ data: Float32Array.from(nums(input.softmax.data)), shape: input.shape }, { threshold });
        assert.deepEqual(got.candidates.shape, input.shape);
        allClose(Array.from(got.candidates.data), nums(expected.hard_blobs.data), 1e-6, `${c.id} ${mode}: candidate map`);
        assert.deepEqual(
          got.confidences.map((x) => x.index),
          expected.confidences.map((x) => x[0]),
          `${c.id} ${mode}: confidence indices`,
        );
        allClose(got.confidences.map((x) => x.confidence), expected.confidences.map((x) => x[1]), 1e-6, `${c.id} ${mode}: confidences`);
        const fg = Uint8Array.from(got.candidates.data, (v) => (v > 0 ? 1 : 0));
        const shape = input.shape as [number, number, number];
        assert.equal(labelComponents26(fg, shape).count, expected.num_components, `${c.id} ${mode}: number of components`);
      }
    });
  }

  for (const ev of evaluations) {
    it(`evaluatePicai, ${ev.name}: lesion tables, case predictions, AP, AUROC, score, PR, ROC and FROC curves`, () => {
      const options: EvaluatePicaiOptions = {};
      const p = ev.params;
      if (p.overlap_func === 'DSC') options.overlapFunction = 'dsc';
      if (p.allow_unmatched_candidates_with_minimal_overlap === false) options.allowUnmatchedCandidatesWithMinimalOverlap = false;
      if (p.case_confidence_func === 'bayesian') options.caseConfidence = 'bayesian';
      const post = p.y_det_postprocess_func as { extract_lesion_candidates: { threshold: string | number } } | undefined;
      if (post) options.postprocess = { threshold: post.extract_lesion_candidates.threshold as 'dynamic' };
      // evaluate in reverse input order: picai_eval sorts the cases by id
      const cases = inputs
        .map((c) => ({ id: c.id, detection: nums(c[ev.y_det].data), truth: nums(c.y_true.data), shape: c.shape }))
        .reverse();
      const m = evaluatePicai(cases, options);

      assert.deepEqual(m.ids, ev.per_case.map((c) => c.id));
      ev.per_case.forEach((c, k) => {
        assert.equal(m.caseTarget[k], c.case_target, `${ev.name} ${c.id}: case target`);
        close(m.casePred[k], c.case_pred, 1e-6, `${ev.name} ${c.id}: case_pred`);
        const got = sortRows(m.lesions[k].map((r: LesionRow) => [r.isLesion, r.confidence, r.overlap]));
        const expected = sortRows(c.lesion_results);
        assert.equal(got.length, expected.length, `${ev.name} ${c.id}: number of lesion rows`);
        got.forEach((row, i) => {
          assert.equal(row[0], expected[i][0], `${ev.name} ${c.id}: is_lesion of row ${i}`);
          close(row[1], expected[i][1], 1e-6, `${ev.name} ${c.id}: lesion confidence`);
          close(row[2], expected[i][2], 1e-6, `${ev.name} ${c.id}: lesion overlap`);
        });
      });

      const r = ev.metrics;
      close(m.ap, num(r.AP as Num), 1e-6, `${ev.name}: AP`);
      close(m.auroc, num(r.auroc as Num), 1e-6, `${ev.name}: AUROC`);
      close(m.score, num(r.score as Num), 1e-6, `${ev.name}: score`);
      assert.equal(m.numCases, r.num_cases);
      assert.equal(m.numLesions, r.num_lesions);
      allClose(m.precision, nums(r.precision as Num[]), 1e-6, `${ev.name}: precision`);
      allClose(m.recall, nums(r.recall as Num[]), 1e-6, `${ev.name}: recall`);
      allClose(m.caseFpr, nums(r.case_FPR as Num[]), 1e-6, `${ev.name}: case FPR`);
      allClose(m.caseTpr, nums(r.case_TPR as Num[]), 1e-6, `${ev.name}: case TPR`);
      allClose(m.thresholds, nums(r.lesion_thresholds as Num[]), 1e-6, `${ev.name}: FROC thresholds`);
      allClose(m.frocTp, nums(r.lesion_TP as Num[]), 0, `${ev.name}: FROC TP`);
      allClose(m.frocFp, nums(r.lesion_FP as Num[]), 0, `${ev.name}: FROC FP`);
      allClose(m.frocSensitivity, nums(r.lesion_TPR as Num[]), 1e-6, `${ev.name}: FROC sensitivity`);
      allClose(m.frocFpPerCase, nums(r.lesion_FPR as Num[]), 1e-6, `${ev.name}: FROC FP per case`);
      for (const [x, y] of Object.entries(r.lesion_TPR_at_FPR as Record<string, Num>)) {
        close(frocSensitivityAt(m, Number(x)), num(y), 1e-6, `${ev.name}: FROC sensitivity at ${x} FP per case`);
      }
    });
  }
});
