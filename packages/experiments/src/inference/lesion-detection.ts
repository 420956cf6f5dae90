import { evaluatePicai, lesionWiseF1 } from '@afl/core';
import type { CaseLesions, CellPicaiMetrics } from '../results/result-schema';
import type { EvaluatedCase } from './evaluate-cases';

/** PI-CAI's lesion-candidate extraction as the PI-CAI baseline evaluates (`threshold="dynamic"`). */
export const PICAI_CANDIDATES = { threshold: 'dynamic' } as const;

interface StoredCase {
  id: string;
  detection: Float32Array;
  truth: Uint8Array;
  shape: number[];
}

/** What {@link createLesionDetection} gives the runner: a per-case hook and the cell-level PI-CAI metrics. */
export interface LesionDetection {
  /** Adds the case's lesion-wise counts to its result, and keeps its probabilities for {@link LesionDetection.picai}. */
  onCase(evaluated: EvaluatedCase): Promise<void>;
  /** picai_eval's AP, AUROC and score over the kept validation cases; undefined when the cell is not PI-CAI-like. */
  picai(): CellPicaiMetrics | undefined;
}

const finiteOrNaN = (v: number) => (Number.isFinite(v) ? v : NaN);

/**
 * Lesion-level scoring of a cell's evaluated cases. Every case gets lesion-wise detection counts and F1
 * (26-connected lesions, hit at IoU ≥ 0.1, prediction `p > 0.5`). For PI-CAI and its phantom, the validation cases'
 * probability maps are kept and scored as the PI-CAI challenge does: lesion candidates by the dynamic threshold,
 * lesion-level AP, case-level AUROC (case confidence = max) and `(AUROC + AP) / 2`.
 */
export function createLesionDetection(options: { picai: boolean }): LesionDetection {
  const kept: StoredCase[] = [];
  return {
    async onCase(c: EvaluatedCase): Promise<void> {
      const spatial = c.mask.shape.slice(1, -1);
      const shape = spatial.length === 3 ? spatial : [1, ...spatial];
      const truth = Uint8Array.from(c.maskData, (v) => (v > 0.5 ? 1 : 0));
      const detection = Float32Array.from(c.probabilityData);
      const f = lesionWiseF1(truth, detection, shape);
      const lesions: CaseLesions = {
        truth: f.numTruthLesions,
        predicted: f.numPredictedLesions,
        detected: f.detected,
        missed: f.missed,
        falsePositives: f.falsePositives,
        f1: finiteOrNaN(f.f1),
      };
      c.result.lesions = lesions;
      if (options.picai && c.result.split === 'val') {
        const repeats = kept.filter((k) => k.id === c.result.caseId || k.id.startsWith(`${c.result.caseId}#`)).length;
        kept.push({ id: repeats === 0 ? c.result.caseId : `${c.result.caseId}#${repeats}`, detection, truth, shape });
      }
    },
    picai(): CellPicaiMetrics | undefined {
      if (!options.picai || kept.length === 0) return undefined;
      const m = evaluatePicai(kept, { postprocess: PICAI_CANDIDATES });
      return {
        split: 'val',
        candidates: PICAI_CANDIDATES.threshold,
        ap: finiteOrNaN(m.ap),
        auroc: finiteOrNaN(m.auroc),
        score: finiteOrNaN(m.score),
        numCases: m.numCases,
        numPositiveCases: m.caseTarget.filter((t) => t === 1).length,
        numLesions: m.numLesions,
      };
    },
  };
}
