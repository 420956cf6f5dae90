import type { CellConfig, CellResult } from '../results/result-schema';
import { ablationOf } from './case-rows';

/**
 * An expected cell: a config with its id (the grid's `CellConfig & { cellId }`), `{ cellId, config? }`, or a bare config
 * (id derived by `cellIdOf`, else matched on identity fields).
 */
export type ExpectedCell = CellConfig | (CellConfig & { cellId: string }) | { cellId: string; config?: CellConfig };

const isConfig = (e: unknown): e is CellConfig => typeof e === 'object' && e !== null && 'loss' in e && 'dataset' in e && 'seed' in e;

export interface MissingCell {
  cellId: string;
  config?: CellConfig;
  /** `'no result file'`, or `'result file unusable'` when a file exists but failed validation. */
  reason: string;
}

export interface MissingCellsOptions {
  /** Derives a cell id from a config (the grid's own function); without it, configs are matched by identity fields. */
  cellIdOf?: (config: CellConfig) => string;
  /** Ids of result files that exist but could not be used (`loadResults().invalidCellIds`). */
  invalidCellIds?: readonly string[];
}

/** The fields that identify a cell (everything but `tables` and `training`), as a string. */
export function cellIdentity(c: CellConfig): string {
  const ablation = c.loss === 'afl' ? ablationOf({ config: c } as CellResult) : null;
  return JSON.stringify([c.profile, c.dataset, c.model, c.spatialDims, c.loss, ablation && [ablation.useAlphaVa, ablation.useGammaVa, ablation.useGammaMSa], c.protocol, c.seed]);
}

export function describeCell(c: CellConfig): string {
  const a = c.loss === 'afl' && c.ablation ? ` [α_va ${+c.ablation.useAlphaVa}, γ_va ${+c.ablation.useGammaVa}, γ_mSa ${+c.ablation.useGammaMSa}]` : '';
  return `${c.dataset} ${c.model} ${c.loss}${a} seed ${c.seed} (${c.profile}, ${c.protocol}, ${c.spatialDims}-D; tables ${c.tables.join(', ')})`;
}

/**
 * The expected cells without a usable result, matched by `cellId` (given, or derived with `cellIdOf`); configs without
 * an id are matched on their identity fields instead.
 */
export function missingCells(results: readonly CellResult[], expected: readonly ExpectedCell[], options: MissingCellsOptions = {}): MissingCell[] {
  const haveIds = new Set(results.map((r) => r.cellId));
  const haveIdentity = new Set(results.map((r) => cellIdentity(r.config)));
  const invalid = new Set(options.invalidCellIds ?? []);
  const out: MissingCell[] = [];
  for (const e of expected) {
    const config = 'config' in e && e.config ? e.config : isConfig(e) ? e : undefined;
    const cellId = 'cellId' in e ? e.cellId : options.cellIdOf && config ? options.cellIdOf(config) : undefined;
    const present = cellId !== undefined ? haveIds.has(cellId) : config !== undefined && haveIdentity.has(cellIdentity(config));
    if (present) continue;
    const id = cellId ?? (config ? describeCell(config) : '?');
    out.push({ cellId: id, config, reason: cellId !== undefined && invalid.has(cellId) ? 'result file unusable' : 'no result file' });
  }
  return out;
}
