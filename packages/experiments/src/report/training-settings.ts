import { PAPER_DATA, PROTOCOLS } from '../paper/protocols';
import type { CellResult } from '../results/result-schema';
import { datasetBaseOf, settingOf } from './case-rows';
import { aq } from './load-arquero';
import { ReportTable } from './report-table';

/**
 * Our training settings beside the paper's: one row per protocol the results use, as the paper states it (section
 * 4.3: SGD, its input crop and case counts), then one per setting and dataset of ours, read from the result files
 * (the protocol after the profile's overrides), with the steps each cell took.
 */
export function trainingSettingsTable(results: readonly CellResult[]): ReportTable {
  const rows: Record<string, unknown>[] = [];
  const protocols = [...new Set(results.map((r) => r.config.protocol))].sort();
  for (const name of protocols.length ? protocols : (['paper'] as const)) {
    const p = PROTOCOLS[name];
    for (const ds of ['picai', 'brats'] as const) {
      rows.push({
        who: `paper (${name === 'paper' ? 'section 4.3' : "authors' code"})`, dataset: ds, learningRate: p.learningRate, momentum: p.momentum, nesterov: p.nesterov,
        weightDecay: p.weightDecay, epochs: p.epochs, batchSize: 1, crop: PAPER_DATA[ds].inputShape.join(' × '), augment: p.augment,
        valCases: PAPER_DATA[ds].cases.val, steps: PAPER_DATA[ds].cases.train * p.epochs, cells: NaN, prior: NaN,
      });
    }
  }
  const groups = new Map<string, CellResult[]>();
  for (const r of results) {
    const key = `${settingOf(r)}|${datasetBaseOf(r.config.dataset)}|${JSON.stringify(r.config.training)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const t = list[0].config.training;
    const steps = list.map((r) => r.timings?.steps).filter((s): s is number => typeof s === 'number');
    rows.push({
      who: `ours: ${key.split('|')[0]}`, dataset: list[0].config.dataset, learningRate: t.learningRate, momentum: t.momentum, nesterov: t.nesterov,
      weightDecay: t.weightDecay, epochs: t.convergence ? `≤ ${t.epochs}, until converged` : t.epochs, batchSize: t.batchSize, crop: t.inputShape.join(' × '), augment: t.augment,
      valCases: list[0].cases.filter((c) => c.split === 'val').length,
      steps: steps.length ? Math.round(steps.reduce((a, b) => a + b, 0) / steps.length) : NaN, cells: list.length,
      prior: t.outputPrior ?? 0.5,
    });
  }
  const text = (k: string) => (r: Record<string, any>) => (typeof r[k] === 'number' ? (Number.isFinite(r[k]) ? String(r[k]) : '') : String(r[k]));
  const right = 'right' as const;
  return new ReportTable({
    id: 'training-settings',
    title: 'Training settings: the paper and ours',
    data: aq.from(rows),
    columns: [
      { label: 'who', value: text('who') },
      { label: 'dataset', value: text('dataset') },
      { label: 'SGD lr', align: right, value: text('learningRate') },
      { label: 'momentum', align: right, value: (r) => `${r.momentum}${r.nesterov ? ' (Nesterov)' : ''}` },
      { label: 'weight decay', align: right, value: text('weightDecay') },
      { label: 'epochs', align: right, value: text('epochs') },
      { label: 'batch', align: right, value: text('batchSize') },
      { label: 'input crop [D × H × W]', value: text('crop') },
      { label: 'augmentation', value: (r) => (r.augment ? 'yes' : 'no') },
      { label: 'initial p', align: right, value: text('prior') },
      { label: 'val cases', align: right, value: text('valCases') },
      { label: 'SGD steps per cell', align: right, value: text('steps') },
      { label: 'cells', align: right, value: text('cells') },
    ],
    notes: [
      "The paper's steps per cell are its training cases × epochs at batch 1; ours are what the result files record (mean over the cells of the row). Model widths of our profiles other than `paper` are smaller than the paper's (see the profile in `packages/experiments/src/config.ts`).",
      "Initial p: the tumour probability every voxel starts at (output-bias prior initialisation, as RetinaNet's focal-loss paper does; 0.5 is the default initialisation; the paper does not say). \"Until converged\": the cell stops by the criterion of the convergence table below.",
    ],
  });
}
