import { MODEL_LABELS } from '../paper/tables';
import type { CellResult } from '../results/result-schema';
import { ablationOf, datasetBaseOf, variantOf } from './case-rows';
import { aq } from './load-arquero';
import { formatNumber, ReportTable } from './report-table';

/**
 * How each cell's training ended: epochs trained of the limit, the evaluated (best) epoch and its validation Dice, and
 * whether the profile's convergence criterion stopped it. Cells without a criterion (older files, the `paper` profile)
 * show "—". The notes give the criterion in words and how many cells did not converge.
 */
export function convergenceTable(results: readonly CellResult[]): ReportTable {
  const rows = [...results]
    .sort((a, b) => a.config.dataset.localeCompare(b.config.dataset) || a.config.model.localeCompare(b.config.model) || a.cellId.localeCompare(b.cellId))
    .map((r) => ({
      cellId: r.cellId,
      tables: r.config.tables.join(', '),
      dataset: r.config.dataset,
      model: r.config.model,
      loss: variantOf(r.config.loss, ablationOf(r)),
      seed: r.config.seed,
      epochsTrained: r.curve.length,
      epochLimit: r.config.training.epochs,
      bestEpoch: r.bestEpoch,
      bestValDice: r.curve[r.bestEpoch - 1]?.valDice ?? NaN,
      converged: r.convergence ? r.convergence.converged : null,
    }));
  const criteria = [...new Set(results.flatMap((r) => (r.convergence ? [r.convergence.criterion] : [])))];
  const judged = rows.filter((r) => r.converged !== null);
  const notConverged = judged.filter((r) => r.converged === false);
  const right = 'right' as const;
  return new ReportTable({
    id: 'convergence',
    title: 'Convergence: how each cell stopped',
    data: aq.from(rows),
    columns: [
      { label: 'tables', value: (r) => r.tables },
      { label: 'dataset', value: (r) => datasetBaseOf(r.dataset) + (r.dataset === 'picai-masks' ? ' (real masks)' : '') },
      { label: 'model', value: (r) => MODEL_LABELS[r.model as keyof typeof MODEL_LABELS] ?? r.model },
      { label: 'loss', value: (r) => r.loss },
      { label: 'seed', align: right, value: (r) => String(r.seed) },
      { label: 'epochs trained / limit', align: right, value: (r) => `${r.epochsTrained} / ${r.epochLimit}` },
      { label: 'best epoch', align: right, value: (r) => String(r.bestEpoch) },
      { label: 'best val Dice', align: right, value: (r) => formatNumber(r.bestValDice) },
      { label: 'converged', value: (r) => (r.converged === null ? '—' : r.converged ? 'yes' : '**no** (limit reached)') },
    ],
    notes: [
      ...(criteria.length ? criteria.map((c) => `Criterion: ${c}.`) : ['No cell recorded a convergence criterion: every epoch up to the limit was trained.']),
      ...(judged.length ? [`${judged.length - notConverged.length} of ${judged.length} cells converged; ${notConverged.length} reached the epoch limit first.`] : []),
    ],
  });
}
