import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOSS_NAMES } from '@afl/core';
import { MODEL_NAMES } from '@afl/models';
import { PAPER_VIEW_IDS } from '../paper/tables';
import { DATASET_NAMES, PROFILE_NAMES, PROTOCOL_NAMES, type CaseResult, type CellPicaiMetrics, type CellResult } from '../results/result-schema';

export interface LoadResultsResult {
  /** The valid results, sorted by file name. */
  results: CellResult[];
  /** One line per problem, each naming its file; files with a fatal problem are skipped, never thrown on. */
  problems: string[];
  /** Cell ids (from the file names) of files that exist but could not be used. */
  invalidCellIds: string[];
}

const TABLES: readonly unknown[] = PAPER_VIEW_IDS;
const CASE_METRICS = ['dice', 'iou', 'sensitivity', 'specificity'] as const;
const CASE_NUMBERS = ['hd95', 'gammaVa', 'gammaMSa', 'lesionVolume', 'smoothness'] as const;
const LESION_COUNTS = ['truth', 'predicted', 'detected', 'missed', 'falsePositives'] as const;
const PICAI_NUMBERS = ['ap', 'auroc', 'score', 'numCases', 'numPositiveCases', 'numLesions'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v)?.slice(0, 60) ?? String(v));

/** A metric as JSON holds it: a number, or null where the writer had NaN (JSON has no NaN). */
function metricValue(v: unknown): number | undefined {
  if (v === null) return NaN;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  return undefined;
}

/**
 * Checks parsed JSON against the `CellResult` contract (`result-schema.ts`). Fields the report needs (identity,
 * tables, cases and their metrics) are fatal when wrong; the bookkeeping fields (curve, timings, versions, …) only
 * give a warning. Metrics stored as `null` (how `JSON.stringify` writes NaN) become NaN.
 *
 * @returns the result (undefined when fatal) and the problem lines, each starting with `source`.
 */
export function parseCellResult(json: unknown, source: string): { result?: CellResult; problems: string[] } {
  const fatal: string[] = [];
  const warn: string[] = [];
  const bad = (list: string[], field: string, expected: string, got: unknown) => list.push(`${source}: ${field} must be ${expected}, got ${show(got)}.`);
  if (!isObj(json)) return { problems: [`${source}: must be a JSON object (a CellResult), got ${show(json)}.`] };
  if (json.schemaVersion !== 1) bad(fatal, 'schemaVersion', '1', json.schemaVersion);
  if (typeof json.cellId !== 'string' || json.cellId === '') bad(fatal, 'cellId', 'a non-empty string', json.cellId);
  const c = json.config;
  if (!isObj(c)) bad(fatal, 'config', 'an object', c);
  else {
    const oneOf = (field: string, allowed: readonly unknown[]) => {
      if (!allowed.includes(c[field])) bad(fatal, `config.${field}`, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, c[field]);
    };
    oneOf('profile', PROFILE_NAMES);
    oneOf('dataset', DATASET_NAMES);
    oneOf('model', MODEL_NAMES);
    oneOf('loss', LOSS_NAMES);
    oneOf('protocol', PROTOCOL_NAMES);
    oneOf('spatialDims', [2, 3]);
    if (typeof c.seed !== 'number' || !Number.isFinite(c.seed)) bad(fatal, 'config.seed', 'a finite number', c.seed);
    if (!Array.isArray(c.tables) || !c.tables.every((t) => TABLES.includes(t))) bad(fatal, 'config.tables', 'an array of 1–5 and "figure3"', c.tables);
    if (c.ablation !== undefined) {
      const a = c.ablation;
      if (!isObj(a) || typeof a.useAlphaVa !== 'boolean' || typeof a.useGammaVa !== 'boolean' || typeof a.useGammaMSa !== 'boolean') {
        bad(fatal, 'config.ablation', '{ useAlphaVa, useGammaVa, useGammaMSa } booleans', a);
      }
    }
    if (!isObj(c.training)) bad(warn, 'config.training', 'an object', c.training);
  }
  const cases: CaseResult[] = [];
  if (!Array.isArray(json.cases)) bad(fatal, 'cases', 'an array', json.cases);
  else {
    json.cases.forEach((k: unknown, i: number) => {
      const at = `cases[${i}]`;
      if (!isObj(k)) return bad(fatal, at, 'an object', k);
      if (typeof k.caseId !== 'string' || k.caseId === '') return bad(fatal, `${at}.caseId`, 'a non-empty string', k.caseId);
      if (k.split !== 'val' && k.split !== 'test') return bad(fatal, `${at}.split`, '"val" or "test"', k.split);
      const out: Record<string, unknown> = { caseId: k.caseId, split: k.split };
      for (const m of CASE_METRICS) {
        const v = metricValue(k[m]);
        if (v === undefined) return bad(fatal, `${at}.${m}`, 'a number or null (NaN)', k[m]);
        out[m] = v;
      }
      const soft: Record<string, number> = {};
      if (!isObj(k.soft)) return bad(fatal, `${at}.soft`, 'an object with dice, iou, sensitivity, specificity', k.soft);
      for (const m of CASE_METRICS) {
        const v = metricValue(k.soft[m]);
        if (v === undefined) return bad(fatal, `${at}.soft.${m}`, 'a number or null (NaN)', k.soft[m]);
        soft[m] = v;
      }
      out.soft = soft;
      for (const f of CASE_NUMBERS) {
        const v = metricValue(k[f]);
        if (v === undefined) {
          bad(f === 'lesionVolume' || f === 'smoothness' ? fatal : warn, `${at}.${f}`, 'a number or null (NaN)', k[f]);
          out[f] = NaN;
        } else out[f] = v;
      }
      if (k.lesions !== undefined) {
        const l = k.lesions;
        const counts = LESION_COUNTS.map((f) => (isObj(l) ? l[f] : undefined));
        const f1 = isObj(l) ? metricValue(l.f1) : undefined;
        if (!isObj(l) || counts.some((v) => typeof v !== 'number') || f1 === undefined) bad(warn, `${at}.lesions`, `{ ${LESION_COUNTS.join(', ')}, f1 } numbers`, l);
        else out.lesions = { ...Object.fromEntries(LESION_COUNTS.map((f, j) => [f, counts[j]])), f1 };
      }
      cases.push(out as unknown as CaseResult);
    });
    if (json.cases.length === 0) warn.push(`${source}: has no evaluated cases.`);
  }
  if (!Array.isArray(json.curve)) bad(warn, 'curve', 'an array', json.curve);
  if (typeof json.bestEpoch !== 'number') bad(warn, 'bestEpoch', 'a number', json.bestEpoch);
  if (!isObj(json.timings)) bad(warn, 'timings', 'an object', json.timings);
  if (typeof json.backend !== 'string') bad(warn, 'backend', 'a string', json.backend);
  if (!isObj(json.versions)) bad(warn, 'versions', 'an object', json.versions);
  if (json.gitCommit !== null && typeof json.gitCommit !== 'string') bad(warn, 'gitCommit', 'a string or null', json.gitCommit);
  if (typeof json.finishedAt !== 'string') bad(warn, 'finishedAt', 'a string', json.finishedAt);
  let picai: CellPicaiMetrics | undefined;
  if (json.picai !== undefined) {
    const p = json.picai;
    const values = PICAI_NUMBERS.map((f) => (isObj(p) ? metricValue(p[f]) : undefined));
    if (!isObj(p) || values.some((v) => v === undefined)) bad(warn, 'picai', `{ ${PICAI_NUMBERS.join(', ')} } numbers or null (NaN)`, p);
    else picai = { ...(p as unknown as CellPicaiMetrics), ...Object.fromEntries(PICAI_NUMBERS.map((f, j) => [f, values[j]])) };
  }
  if (fatal.length > 0) return { problems: [...fatal, ...warn, `${source}: skipped.`] };
  const { picai: _raw, ...rest } = json as unknown as CellResult;
  void _raw;
  return { result: { ...rest, cases, ...(picai ? { picai } : {}) }, problems: warn };
}

/**
 * Reads every `<dir>/cells/*.json` (sorted by name), validates each against the `CellResult` contract and returns the
 * valid ones with a problem line for each broken, partial or suspicious file. Never throws on a bad file.
 *
 * @example const { results, problems } = loadResults('runs/quick');
 */
export function loadResults(dir: string): LoadResultsResult {
  const cellsDir = path.join(dir, 'cells');
  const results: CellResult[] = [];
  const problems: string[] = [];
  const invalidCellIds: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(cellsDir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch (e) {
    problems.push(`${cellsDir}: cannot read the cells folder (${(e as NodeJS.ErrnoException).code ?? String(e)}); no results loaded.`);
    return { results, problems, invalidCellIds };
  }
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.join(cellsDir, name);
    const stem = name.slice(0, -'.json'.length);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      problems.push(`${file}: not valid JSON (broken or partly written file: ${(e as Error).message}); skipped.`);
      invalidCellIds.push(stem);
      continue;
    }
    const parsed = parseCellResult(json, file);
    problems.push(...parsed.problems);
    const r = parsed.result;
    if (!r) {
      invalidCellIds.push(stem);
      continue;
    }
    if (r.cellId !== stem) problems.push(`${file}: cellId ${JSON.stringify(r.cellId)} does not match the file name; kept.`);
    const first = seen.get(r.cellId);
    if (first !== undefined) {
      problems.push(`${file}: duplicate cellId ${JSON.stringify(r.cellId)} (already read from ${first}); skipped.`);
      continue;
    }
    seen.set(r.cellId, file);
    results.push(r);
  }
  return { results, problems, invalidCellIds };
}
