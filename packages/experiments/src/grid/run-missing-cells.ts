import { displayPath } from '../report/display-path';
import { gridCells, type TableId } from '../config';
import type { PaperViewId } from '../paper/tables';
import type { ProfileName } from '../results/result-schema';
import { cellFinished } from './run-cell';

/** Where to run: a profile's grid into a results folder (a notebook's `notebookSettings()` will do). */
export interface RunMissingSettings {
  profile: ProfileName;
  /** The results folder (`<dir>/cells/*.json`). */
  dir: string;
  /** Paths in the log line are shown relative to it; default: absolute. */
  repoRoot?: string;
  /** A picai_labels root: PI-CAI cells train on `picai-masks` (as `afl grid --picai-labels DIR`). */
  picaiLabels?: string;
}

export interface RunMissingCellsOptions {
  /** Progress lines; default `console.log`. */
  log?: (line: string) => void;
  /** Runs the cells with these indices into the profile's grid (default: `runGrid` with `createEnvironment`). */
  runCells?: (settings: RunMissingSettings, only: number[], log: (line: string) => void) => Promise<void>;
}

export interface RunMissingCellsResult {
  /** Cells of the grid that the view needs. */
  expected: number;
  /** Cells run now. */
  ran: number;
  /** Ids of the view's cells still without a result file. */
  missing: string[];
}

const viewName = (view: PaperViewId) => (view === 'figure3' ? 'Figure 3' : `Table ${view}`);

/**
 * Runs the cells of a profile's grid that one of the paper's tables (or Figure 3) needs and that have no result file
 * yet: `runGrid` with `only` their indices, so the folder's `cells.json` stays the whole grid's list. A notebook
 * calls it with `AFL_RUN_MISSING=1` before the report reads the results (`loadNotebookResults`).
 *
 * @example if (settings.runMissing) await runMissingCells(1, settings);
 */
export async function runMissingCells(view: PaperViewId, settings: RunMissingSettings, options: RunMissingCellsOptions = {}): Promise<RunMissingCellsResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const picaiLabels = settings.picaiLabels !== undefined;
  const all = gridCells({ profile: settings.profile, picaiLabels });
  const tables: TableId[] = [view];
  const wanted = new Set(gridCells({ profile: settings.profile, tables, picaiLabels }).map((c) => c.cellId));
  const absent = () => all.filter((c) => wanted.has(c.cellId) && !cellFinished(settings.dir, c.cellId)).map((c) => c.cellId);
  let missing = absent();
  let ran = 0;
  if (missing.length > 0) {
    const only = all.map((c, i) => (missing.includes(c.cellId) ? i : -1)).filter((i) => i >= 0);
    const where = settings.repoRoot ? displayPath(settings.dir, settings.repoRoot) : settings.dir;
    log(`${viewName(view)}: running ${only.length} missing cell(s) of the ${settings.profile} grid into ${where}`);
    await (options.runCells ?? runCellsWithGrid)(settings, only, log);
    const before = missing.length;
    missing = absent();
    ran = before - missing.length;
  }
  return { expected: wanted.size, ran, missing };
}

async function runCellsWithGrid(settings: RunMissingSettings, only: number[], log: (line: string) => void): Promise<void> {
  // Loaded only here: the environment brings in the TF.js backend and the models.
  const { createEnvironment } = await import('./environment');
  const { runGrid } = await import('./run-grid');
  const env = await createEnvironment({ profile: settings.profile, quiet: true, picaiLabels: settings.picaiLabels });
  await runGrid({ profile: settings.profile, outDir: settings.dir, only, picaiLabels: settings.picaiLabels !== undefined }, { ...env, log });
}
