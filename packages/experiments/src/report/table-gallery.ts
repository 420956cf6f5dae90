import { displayPath } from './display-path';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellResult, ModelName } from '../results/result-schema';
import { ablationOf, datasetBaseOf, settingOf, type SplitChoice } from './case-rows';
import { DATASET_LABELS, MODEL_LABELS, PAPER_VIEWS, type PaperViewId } from '../paper/tables';

/** The overlay picture of one evaluated case: `<dir>/overlays/<cellId>/<caseId>.png` (written by the grid's runner). */
export function overlayFile(dir: string, cellId: string, caseId: string): string {
  return path.join(dir, 'overlays', cellId, `${caseId}.png`);
}

/** A view with a gallery: one of Tables 1–5, or Figure 3. */
export type GalleryViewId = PaperViewId;

export type GalleryRank = 'best' | 'median' | 'worst';

/** One case of a gallery pair: its rank by A-FL's Dice, both cells' Dice on it, and their pictures (null when missing). */
export interface GalleryCase {
  rank: GalleryRank;
  caseId: string;
  aflDice: number;
  flDice: number;
  /** Path of A-FL's overlay picture, or null when the file does not exist (results from before overlays were written). */
  aflPicture: string | null;
  flPicture: string | null;
}

/** A-FL and FL cells trained on the same dataset with the same model, setting and seed, and their gallery cases. */
export interface GalleryPair {
  dataset: string;
  model: ModelName;
  setting: string;
  seed: number;
  aflCellId: string;
  flCellId: string;
  /** Cases scored by both cells in the split. */
  commonCases: number;
  /** Best, median and worst by A-FL's Dice (fewer when fewer cases). */
  cases: GalleryCase[];
}

/** The gallery of one table: its A-FL vs FL pairs, and what is missing. */
export interface TableGallery {
  view: GalleryViewId;
  title: string;
  split: 'val' | 'test';
  /** Results folder the pictures were looked up in (null: none given, every picture is missing). */
  dir: string | null;
  pairs: GalleryPair[];
  /** Sentences on what could not be shown (no pair, missing pictures). */
  notes: string[];
  /** How the cases are chosen, one sentence. */
  ranking: string;
  /**
   * Markdown: the ranking sentence, per pair a table (rank, case, Dice of both, A-FL's and FL's picture as image
   * links relative to `relativeTo`, default the results folder), and the notes.
   */
  toMarkdown(options?: { heading?: number; relativeTo?: string }): string;
}

const MODEL_NAMES: Record<string, string> = MODEL_LABELS;
const DATASET_NAMES: Record<string, string> = DATASET_LABELS;

const isFullAfl = (r: CellResult) => {
  const f = ablationOf(r);
  return !!f && f.useAlphaVa && f.useGammaVa && f.useGammaMSa;
};
/** FL, or A-FL with all three adaptive parts off (the same loss). */
const isFl = (r: CellResult) => {
  if (r.config.loss === 'focal') return true;
  const f = ablationOf(r);
  return !!f && !f.useAlphaVa && !f.useGammaVa && !f.useGammaMSa;
};

export interface TableGalleryOptions {
  /** Results folder holding `overlays/`; without it every picture is reported missing. */
  dir?: string | null;
  /** Cases of this split; default `'val'` (`'all'` is taken as `'val'`). */
  split?: SplitChoice;
}

/**
 * The gallery of a table: for each A-FL vs FL pair the table compares (Table 4: one per model; Table 5: PI-CAI and
 * BraTS; Tables 1, 3 and Figure 3: Table 1's pair), the best, median and worst case by A-FL's Dice on the split,
 * with A-FL's and FL's overlay pictures of the same case. Of several settings or seeds, the first (sorted) setting
 * and the lowest seed that has both cells is shown. Reads no file but checks which pictures exist.
 *
 * @example tableGallery(1, loadResults('results/quick').results, { dir: 'results/quick' }).toMarkdown({ relativeTo: 'results/quick/report' })
 */
export function tableGallery(view: GalleryViewId, results: readonly CellResult[], options: TableGalleryOptions = {}): TableGallery {
  // The datasets and models whose A-FL vs FL pair a view's gallery shows: the view's (paper spec).
  const spec = Object.prototype.hasOwnProperty.call(PAPER_VIEWS, String(view)) ? PAPER_VIEWS[view] : undefined;
  const scope = spec && { datasets: spec.datasets, models: spec.models, title: spec.galleryTitle };
  if (!scope) throw new Error(`Error in tableGallery: view must be 1–5 or 'figure3', got ${JSON.stringify(view)}.`);
  const split: 'val' | 'test' = options.split === 'test' ? 'test' : 'val';
  const dir = options.dir ?? null;
  const pairs: GalleryPair[] = [];
  const notes: string[] = [];
  const models = scope.models;
  for (const ds of scope.datasets) {
    for (const model of models) {
      const here = results.filter((r) => datasetBaseOf(r.config.dataset) === ds && r.config.model === model);
      const keyOf = (r: CellResult) => `${settingOf(r)}\u0000${String(r.config.seed).padStart(6, '0')}`;
      const afl = new Map(here.filter(isFullAfl).map((r) => [keyOf(r), r]));
      const fl = new Map(here.filter(isFl).map((r) => [keyOf(r), r]));
      const key = [...afl.keys()].filter((k) => fl.has(k)).sort()[0];
      const what = `${DATASET_NAMES[ds] ?? ds}, ${MODEL_NAMES[model] ?? model}`;
      if (key === undefined) {
        notes.push(`${what}: no A-FL and FL result of the same setting and seed, so no pictures.`);
        continue;
      }
      const a = afl.get(key) as CellResult;
      const f = fl.get(key) as CellResult;
      const flDice = new Map(f.cases.filter((k) => k.split === split).map((k) => [k.caseId, k.dice]));
      const ranked = a.cases
        .filter((k) => k.split === split && flDice.has(k.caseId) && Number.isFinite(k.dice))
        .map((k) => ({ caseId: k.caseId, dice: k.dice }))
        .sort((x, y) => y.dice - x.dice || (x.caseId < y.caseId ? -1 : x.caseId > y.caseId ? 1 : 0));
      const n = ranked.length;
      const picks: Array<[GalleryRank, number]> = n === 0 ? [] : n === 1 ? [['best', 0]] : n === 2 ? [['best', 0], ['worst', 1]] : [['best', 0], ['median', Math.floor((n - 1) / 2)], ['worst', n - 1]];
      const picture = (cellId: string, caseId: string) => {
        if (!dir) return null;
        const file = overlayFile(dir, cellId, caseId);
        return fs.existsSync(file) ? file : null;
      };
      const cases = picks.map(([rank, i]) => {
        const caseId = ranked[i].caseId;
        const aflDice = a.cases.find((k) => k.split === split && k.caseId === caseId)?.dice ?? NaN;
        return { rank, caseId, aflDice, flDice: flDice.get(caseId) ?? NaN, aflPicture: picture(a.cellId, caseId), flPicture: picture(f.cellId, caseId) };
      });
      if (n === 0) notes.push(`${what}: the A-FL and FL cells have no common ${split} case.`);
      const absent = cases.flatMap((c) => [c.aflPicture, c.flPicture]).filter((p) => p === null).length;
      if (absent > 0) {
        notes.push(
          `${what}: ${absent} of ${2 * cases.length} picture(s) missing${dir ? ` under \`${displayPath(path.join(dir, 'overlays'))}\`` : ' (no results folder given)'}` +
            ' (results written before the runner drew overlays: delete the result files of those cells and run the grid again to get them).',
        );
      }
      pairs.push({ dataset: a.config.dataset, model, setting: settingOf(a), seed: a.config.seed, aflCellId: a.cellId, flCellId: f.cellId, commonCases: n, cases });
    }
  }
  const ranking =
    `Cases of the \`${split}\` split that both cells scored, ranked by A-FL's hard Dice (ties by case id; cases ` +
    'without a Dice, i.e. with an empty ground truth, left out): the best, the median ' +
    '(the lower middle rank when the count is even) and the worst; FL is shown on the same cases. Each picture shows the ' +
    '3 axial slices with the most ground-truth lesion (the same slices for both losses) of the first image channel (T2W ' +
    'for PI-CAI, the first sequence for BraTS): ground truth green, prediction magenta, both yellow.';
  const title = `${scope.title}: A-FL vs FL on the same ${split === 'val' ? 'validation' : 'test'} cases`;
  return {
    view,
    title,
    split,
    dir,
    pairs,
    notes,
    ranking,
    toMarkdown(opts = {}) {
      const h = opts.heading ?? 3;
      const rel = (file: string | null) => {
        if (!file) return 'no picture';
        const r = path.relative(opts.relativeTo ?? dir ?? '.', file).split(path.sep).join('/');
        return `![${path.basename(file, '.png')}](${encodeURI(r)})`;
      };
      const out: string[] = [];
      if (h > 0) out.push(`${'#'.repeat(h)} Gallery, ${title}`, '');
      out.push(ranking, '');
      for (const p of pairs) {
        out.push(`**${DATASET_NAMES[datasetBaseOf(p.dataset)] ?? p.dataset}, ${MODEL_NAMES[p.model] ?? p.model}** (${p.setting}, seed ${p.seed}; ${p.commonCases} common case(s); cells \`${p.aflCellId}\` and \`${p.flCellId}\`)`, '');
        if (p.cases.length === 0) {
          out.push('No common case.', '');
          continue;
        }
        out.push('| rank by A-FL Dice | case | Dice A-FL / FL | A-FL | FL |', '|---|---|---|---|---|');
        for (const c of p.cases) out.push(`| ${c.rank} | \`${c.caseId}\` | ${fmt(c.aflDice)} / ${fmt(c.flDice)} | ${rel(c.aflPicture)} | ${rel(c.flPicture)} |`);
        out.push('');
      }
      if (pairs.length === 0 && notes.length === 0) notes.push('No result to show.');
      for (const n of notes) out.push(`- ${n}`);
      if (notes.length) out.push('');
      return out.join('\n');
    },
  };
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
