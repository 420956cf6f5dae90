import type { CellResult } from '../results/result-schema';
import { agreementSentences } from './agreement-sentences';
import { settingOf, type Metric, type MetricView, type SplitChoice } from './case-rows';
import { figure3, type Figure3Result } from './figure3';
import { buildPaperTable, comparisonsTable, PAPER_TABLE_IDS, type PaperTableId, type TableComparison } from './build-paper-table';
import type { PaperTables } from './load-paper-tables';
import type { ReportTable } from './report-table';
import { detectionTable } from './detection-table';
import { tableGallery, type GalleryViewId, type TableGallery } from './table-gallery';
import { trainingCurves, type TrainingCurves } from './training-curves';

export interface BuildReportOptions {
  /** Hard metrics (default) or the authors' soft versions. */
  metrics?: MetricView;
  /** Cases of this split; default `'val'` (the paper's protocol). */
  split?: SplitChoice;
  /** Bootstrap resamples for the paired CIs; default 2000. */
  resamples?: number;
  /** Bootstrap seed; default 0. */
  seed?: number;
  /** Metric of the paired statistics and agreement sentences; default `'dice'` (Figure 3 is always Dice, as in the paper). */
  pairedMetric?: Metric;
  /** Results folder whose `overlays/` pictures the galleries show; without it the galleries list the cases only. */
  resultsDir?: string;
}

export type TableKey = `table${PaperTableId}`;

/** Everything the report shows, as data: each table is a {@link ReportTable} (arquero `data`, `toMarkdown()`, `toCSV()`). */
export interface ReportData {
  metrics: MetricView;
  split: SplitChoice;
  /** Cell results used. */
  cells: number;
  /** Distinct settings (`profile · protocol · N-D`). */
  settings: string[];
  paperFile: string | null;
  tables: Record<TableKey, ReportTable>;
  figure3: Figure3Result;
  comparisons: TableComparison[];
  /** All paired comparisons as one table. */
  paired: ReportTable;
  /** One sentence per table (and Figure 3) on agreement in direction with the paper. */
  agreement: string[];
  /** Per table: lesion-wise detection, HD95 and, for PI-CAI, the challenge's AP, AUROC and score ({@link detectionTable}). */
  detection: Record<TableKey, ReportTable>;
  /** Per table and Figure 3: A-FL vs FL on the best, median and worst case by A-FL's Dice ({@link tableGallery}). */
  galleries: Record<TableKey | 'figure3', TableGallery>;
  /** Per table and Figure 3: training loss and validation Dice per epoch of its cells ({@link trainingCurves}). */
  curves: Record<TableKey | 'figure3', TrainingCurves>;
  /** Markdown of the agreement sentences, the five tables, Figure 3 and the paired statistics. */
  toMarkdown(options?: { heading?: number }): string;
}

/**
 * Builds every table of the report from loaded results and the paper's numbers (`null`: paper columns show n/a).
 * For notebooks: `buildReport(loadResults(dir).results, loadPaperTables()).tables.table1.toMarkdown()`.
 */
export function buildReport(results: readonly CellResult[], paper: PaperTables | null, options: BuildReportOptions = {}): ReportData {
  const metrics = options.metrics ?? 'hard';
  const split = options.split ?? 'val';
  const built = PAPER_TABLE_IDS.map((id) => buildPaperTable(id, results, paper, { ...options, metrics, split }));
  const tables = Object.fromEntries(built.map((b, i) => [`table${PAPER_TABLE_IDS[i]}`, b.table])) as Record<TableKey, ReportTable>;
  const comparisons = built.flatMap((b) => b.comparisons);
  const fig = figure3(results, paper, { metrics, split, resamples: options.resamples, seed: options.seed });
  const pairedMetric = options.pairedMetric ?? 'dice';
  const agreement = agreementSentences({ paper, comparisons, tables, figure3: fig, metric: pairedMetric });
  const paired = comparisonsTable(comparisons, { resamples: options.resamples, metric: pairedMetric });
  const settings = [...new Set(results.map(settingOf))].sort();
  const galleryOf = (v: GalleryViewId) => tableGallery(v, results, { dir: options.resultsDir, split });
  const galleries = { ...Object.fromEntries(PAPER_TABLE_IDS.map((id) => [`table${id}`, galleryOf(id)])), figure3: galleryOf('figure3') } as Record<TableKey | 'figure3', TableGallery>;
  const curves = { ...Object.fromEntries(PAPER_TABLE_IDS.map((id) => [`table${id}`, trainingCurves(id, results)])), figure3: trainingCurves('figure3', results) } as Record<TableKey | 'figure3', TrainingCurves>;
  const detection = Object.fromEntries(PAPER_TABLE_IDS.map((id) => [`table${id}`, detectionTable(id, results, { split })])) as Record<TableKey, ReportTable>;
  return {
    metrics,
    split,
    cells: results.length,
    settings,
    paperFile: paper?.file ?? null,
    tables,
    figure3: fig,
    comparisons,
    paired,
    agreement,
    galleries,
    curves,
    detection,
    toMarkdown(opts = {}) {
      const h = opts.heading ?? 2;
      const parts = [
        `${'#'.repeat(h)} Agreement with the paper (direction of the differences)`,
        '',
        ...agreement.map((s) => `- ${s}`),
        '',
        ...PAPER_TABLE_IDS.map((id) => tables[`table${id}`].toMarkdown({ heading: h })),
        fig.table.toMarkdown({ heading: h }),
        paired.toMarkdown({ heading: h }),
        ...PAPER_TABLE_IDS.map((id) => detection[`table${id}`].toMarkdown({ heading: h })),
      ];
      return parts.join('\n');
    },
  };
}
