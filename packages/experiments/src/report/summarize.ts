import type { CellResult } from '../results/result-schema';
import { caseRows, METRICS, type MetricView, type SplitChoice } from './case-rows';
import { aq, type ColumnTable } from './load-arquero';
import { tableFrom } from './report-table';

export interface SummarizeOptions {
  /** Hard metrics (default) or the authors' soft versions. */
  metrics?: MetricView;
  /** Cases of this split only; default `'val'` (the paper reports validation means). */
  split?: SplitChoice;
  /** Only cells whose `config.tables` holds this table. */
  table?: 1 | 2 | 3 | 4 | 5 | 'figure3';
}

/** Key columns of a summary row. */
export const SUMMARY_KEYS = ['groupKey', 'setting', 'dataset', 'datasetBase', 'model', 'loss', 'variant', 'alphaVa', 'gammaVa', 'gammaMSa'] as const;

/** All columns of {@link summarize}'s table, in order. */
export const SUMMARY_COLUMNS: string[] = [
  ...SUMMARY_KEYS,
  'cells',
  'seeds',
  'cases',
  'values',
  ...METRICS.flatMap((m) => [`${m}_mean`, `${m}_std`, `${m}_seedStd`, `${m}_n`, `${m}_nan`]),
];

/**
 * Mean ± standard deviation of each metric per group of cells that differ only in seed (same setting, dataset, model,
 * loss and A-FL switches), pooled over all cases and seeds, computed with arquero.
 *
 * Columns: the keys; `cells`, `seeds`, `cases` (distinct case ids), `values` (case × seed rows); per metric
 * `<m>_mean`, `<m>_std` (sample sd over the case × seed values), `<m>_seedStd` (sd of the per-seed means), `<m>_n`
 * (values used) and `<m>_nan` (NaN values skipped, e.g. the Dice of an empty mask).
 *
 * @example summarize(results, { table: 1 }).print();
 */
export function summarize(results: readonly CellResult[], options: SummarizeOptions = {}): ColumnTable {
  const tag = options.table === undefined ? undefined : `|${options.table}|`;
  const rows = caseRows(results, options).filter((r) => tag === undefined || r.tables.includes(tag));
  if (rows.length === 0) return tableFrom([], SUMMARY_COLUMNS);
  const op = aq.op;
  const t = aq.from(rows);
  const perMetric = (make: (m: string) => Record<string, unknown>) => Object.assign({}, ...METRICS.map(make));
  const main = t.groupby(...SUMMARY_KEYS).rollup({
    cells: op.distinct('cellId'),
    seeds: op.distinct('seed'),
    cases: op.distinct('caseId'),
    values: op.count(),
    ...perMetric((m) => ({ [`${m}_mean`]: op.mean(m), [`${m}_std`]: op.stdev(m), [`${m}_n`]: op.valid(m) })),
  });
  const perSeed = t.groupby('groupKey', 'seed').rollup(perMetric((m) => ({ [m]: op.mean(m) })));
  const seedSpread = perSeed.groupby('groupKey').rollup(perMetric((m) => ({ [`${m}_seedStd`]: op.stdev(m) })));
  const joined = main.join_left(seedSpread, 'groupKey').orderby('setting', 'dataset', 'model', 'loss', 'variant');
  const objects = (joined.objects() as Record<string, any>[]).map((o) => {
    const out: Record<string, unknown> = { ...o };
    for (const m of METRICS) {
      for (const s of ['_mean', '_std', '_seedStd']) {
        const v = out[m + s];
        if (typeof v !== 'number') out[m + s] = NaN;
      }
      out[`${m}_nan`] = (o.values as number) - (o[`${m}_n`] as number);
    }
    return out;
  });
  return tableFrom(objects, SUMMARY_COLUMNS);
}
