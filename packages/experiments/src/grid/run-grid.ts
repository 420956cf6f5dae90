import * as fs from 'node:fs';
import * as path from 'node:path';
import { gridCells, GridOptions } from '../config';
import type { CellResult } from '../results/result-schema';
import { Cell, CellEnvironment, cellFinished, CellInterruptedError, runCell } from './run-cell';

export interface RunGridOptions extends GridOptions {
  outDir: string;
  /** Run only the cells with these indices into the cell list (a Slurm array task runs one). */
  only?: number[];
}

export interface RunGridSummary {
  cells: Cell[];
  ran: number;
  skipped: number;
  /** Cells that stopped with an error (e.g. a diverged loss); the grid goes on without them. */
  failed: Array<{ cellId: string; error: string }>;
  seconds: number;
}

/** Writes the grid's cell list (`cells.json`), the contract an external scheduler indexes into. */
export function writeCellList(outDir: string, cells: Cell[]): string {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'cells.json');
  fs.writeFileSync(file, `${JSON.stringify(cells, null, 1)}\n`);
  return file;
}

/** Indices (into the full cell list) of the cells without a result file. */
export function pendingCells(outDir: string, cells: readonly Cell[]): number[] {
  return cells.flatMap((c, i) => (cellFinished(outDir, c.cellId) ? [] : [i]));
}

/** Runs every cell of the grid that has no result yet, one after the other, then returns what it did. */
export async function runGrid(options: RunGridOptions, env: Omit<CellEnvironment, 'outDir'>): Promise<RunGridSummary> {
  const start = Date.now();
  const cells = gridCells(options);
  writeCellList(options.outDir, cells);
  const selected = options.only ? options.only.map((i) => {
    if (!cells[i]) throw new Error(`Error in runGrid: cell index ${i} is out of range 0..${cells.length - 1}.`);
    return cells[i];
  }) : cells;
  let ran = 0;
  let skipped = 0;
  const failed: RunGridSummary['failed'] = [];
  for (const [k, cell] of selected.entries()) {
    if (cellFinished(options.outDir, cell.cellId)) {
      skipped += 1;
      continue;
    }
    env.log?.(`cell ${k + 1}/${selected.length}: ${cell.cellId} (tables ${cell.tables.join(', ')})`);
    let r: CellResult | null;
    try {
      r = await runCell(cell, { ...env, outDir: options.outDir });
    } catch (e) {
      if (e instanceof CellInterruptedError) throw e;
      const error = e instanceof Error ? e.message : String(e);
      failed.push({ cellId: cell.cellId, error });
      env.log?.(`  FAILED: ${error}`);
      continue;
    }
    if (r) {
      ran += 1;
      const val = r.cases.filter((c) => c.split === 'val' && c.dice !== null && !Number.isNaN(c.dice));
      const dice = val.reduce((s, c) => s + c.dice, 0) / Math.max(val.length, 1);
      env.log?.(`  done in ${r.timings.totalSeconds.toFixed(1)} s, ${r.timings.meanStepMs.toFixed(0)} ms/step, best epoch ${r.bestEpoch}, val Dice ${dice.toFixed(3)}`);
    }
  }
  return { cells, ran, skipped, failed, seconds: (Date.now() - start) / 1000 };
}
