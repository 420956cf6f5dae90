import { DATASET_LABELS, PAPER_VIEWS, type PaperDataset } from '../paper/tables';
import type { Figure3Result } from './figure3';
import type { PaperTableId, TableComparison } from './build-paper-table';
import { datasetBaseOf, METRIC_LABELS, type Metric } from './case-rows';
import type { PaperTables } from './load-paper-tables';
import type { ReportTable } from './report-table';
import { formatP, formatSigned } from './report-table';

export interface AgreementInput {
  paper: PaperTables | null;
  /** Metric of the comparisons; default `'dice'`. */
  metric?: Metric;
  comparisons: readonly TableComparison[];
  tables: Partial<Record<`table${PaperTableId}`, ReportTable>>;
  figure3?: Figure3Result;
}

const yesNo = (x: number) => (Number.isNaN(x) ? 'n/a' : x > 0 ? 'yes' : x < 0 ? 'no' : 'tie');
const verdict = (paper: number, ours: number) =>
  Number.isNaN(paper) || Number.isNaN(ours) ? '' : Math.sign(paper) === Math.sign(ours) ? ' → agrees' : ' → disagrees';
/** `PI-CAI` for `picai`, `phantom-picai` and `picai-masks`; `BraTS` for `brats` and `phantom-brats`. */
const datasetName = (d: string) => {
  const base = datasetBaseOf(d);
  return base in DATASET_LABELS ? DATASET_LABELS[base as PaperDataset] : d;
};
/** The dataset a view states its claim on (its first). */
const viewDataset = (id: keyof typeof PAPER_VIEWS) => datasetName(PAPER_VIEWS[id].datasets[0]);

function ours(c: TableComparison): string {
  if (c.pairs === 0) return 'n/a (no paired cases)';
  const ci = Number.isNaN(c.ciLower) ? '' : `, 95 % CI [${formatSigned(c.ciLower)}, ${formatSigned(c.ciUpper)}]`;
  const p = formatP(c.pValue);
  // Power beside a non-significant difference: how large an effect these pairs could have shown.
  const power = !(c.pValue < 0.05) && Number.isFinite(c.minDetectable) ? `; detectable ±${c.minDetectable.toFixed(3)} over ${c.mdCases} cases` : '';
  return `${yesNo(c.meanDiff)} (${formatSigned(c.meanDiff)}, p ${p.startsWith('<') ? p : `= ${p}`}${ci}, ${c.pairs} pairs${power})`;
}

/** Where a comparison came from, when a table has several settings or models. */
function where(c: TableComparison, all: readonly TableComparison[]): string {
  const parts: string[] = [];
  if (new Set(all.map((x) => x.setting)).size > 1) parts.push(c.setting);
  if (new Set(all.map((x) => x.model)).size > 1) parts.push(c.model);
  if (new Set(all.map((x) => x.dataset)).size > 1) parts.push(c.dataset);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

function countLine(list: readonly TableComparison[], label: (c: TableComparison) => string): string {
  const known = list.filter((c) => c.pairs > 0);
  const wins = known.filter((c) => c.meanDiff > 0).length;
  const detail = list.map((c) => `${label(c)} ${ours(c)}`).join('; ');
  return `ours ${wins}/${known.length}${detail ? ` (${detail})` : ''}`;
}

/**
 * One sentence per table (and Figure 3) on whether our results agree in direction with the paper's, e.g.
 * "Table 1 (PI-CAI): A-FL > FL in Dice: paper yes (+0.054), ours yes (+0.012, p = 0.03, …) → agrees."
 */
export function agreementSentences(input: AgreementInput): string[] {
  const { paper, comparisons } = input;
  const metric = input.metric ?? 'dice';
  const M = METRIC_LABELS[metric];
  const out: string[] = [];
  const byTable = (id: PaperTableId) => comparisons.filter((c) => c.table === id);

  for (const id of [1, 2] as const) {
    const list = byTable(id);
    const ds = paper ? datasetName(paper[`table${id}`].dataset) : viewDataset(id);
    const p = paper ? paperDiff(paper, id, 'afl', 'focal', undefined, metric) : NaN;
    const paperText = Number.isNaN(p) ? 'paper n/a' : `paper ${yesNo(p)} (${formatSigned(p)})`;
    if (list.length === 0) out.push(`Table ${id} (${ds}): A-FL > FL in ${M}: ${paperText}, ours n/a (no paired A-FL and FL results yet).`);
    else out.push(`Table ${id} (${ds}): A-FL > FL in ${M}: ${paperText}, ${list.map((c) => `ours ${where(c, list)}${ours(c)}${verdict(p, c.meanDiff)}`).join('; ')}.`);
  }

  {
    const list = byTable(3);
    const paperWins = paper ? paper.table3.rows.filter((r) => r.loss !== 'afl').map((r) => paperDiff(paper, 3, 'afl', r.loss, undefined, metric)) : [];
    const paperText = paper ? `paper ${paperWins.filter((d) => d > 0).length}/${paperWins.length}` : 'paper n/a';
    out.push(
      list.length === 0
        ? `Table 3 (${viewDataset(3)}): A-FL > each baseline loss in ${M}: ${paperText}, ours n/a (no paired results yet).`
        : `Table 3 (${viewDataset(3)}): A-FL > each baseline loss in ${M}: ${paperText}, ${countLine(list, (c) => `${where(c, list)}vs ${c.b}`)}.`,
    );
  }

  {
    const list = byTable(4);
    const models = paper ? [...new Set(paper.table4.rows.map((r) => r.model))] : [];
    const paperWins = paper ? models.map((m) => paperDiff(paper, 4, 'afl', 'focal', m, metric)) : [];
    const paperText = paper ? `paper ${paperWins.filter((d) => d > 0).length}/${paperWins.length}` : 'paper n/a';
    out.push(
      list.length === 0
        ? `Table 4 (${viewDataset(4)}): A-FL > FL in ${M} for each model: ${paperText}, ours n/a (no paired results yet).`
        : `Table 4 (${viewDataset(4)}): A-FL > FL in ${M} for each model: ${paperText}, ${countLine(list, (c) => `${c.model}${new Set(list.map((x) => x.setting)).size > 1 ? ` (${c.setting})` : ''}`)}.`,
    );
  }

  for (const ds of PAPER_VIEWS[5].datasets) {
    const list = byTable(5).filter((c) => datasetBaseOf(c.dataset) === ds);
    let paperText = 'paper n/a';
    let paperBest = '';
    const has5 = metric === 'iou' || metric === 'dice';
    if (paper && has5) {
      const m5 = metric as 'iou' | 'dice';
      const rows = paper.table5.rows;
      const base = rows.find((r) => !r.alphaVa && !r.gammaVa && !r.gammaMSa);
      const others = rows.filter((r) => r !== base);
      if (base) paperText = `paper ${others.filter((r) => r[ds][m5] > base[ds][m5]).length}/${others.length}`;
      const best = rows.reduce((a, b) => (b[ds][m5] > a[ds][m5] ? b : a));
      paperBest = `paper ${best.alphaVa && best.gammaVa && best.gammaMSa ? 'yes' : 'no'}`;
    } else if (paper) {
      paperText = `paper n/a (Table 5 gives IoU and Dice only)`;
    }
    const key = `${has5 ? metric : 'dice'}_mean`;
    const t5 = input.tables.table5?.rows().filter((r) => datasetBaseOf(String(r.dataset)) === ds && Number.isFinite(r[key])) ?? [];
    let oursBest = 'ours n/a';
    if (t5.length > 1 && has5) {
      const best = t5.reduce((a, b) => (b[key] > a[key] ? b : a));
      oursBest = `ours ${best.loss === 'afl' && best.alphaVa && best.gammaVa && best.gammaMSa ? 'yes' : `no (best: ${best.variant})`}`;
    }
    const head = `Table 5 (${datasetName(ds)}): each ablation row > the FL row in ${M}: ${paperText}, `;
    const tail = `; all three switches give the best ${M}: ${paperBest || 'paper n/a'}, ${oursBest}.`;
    out.push(list.length === 0 ? `${head}ours n/a (no paired results yet)${tail}` : `${head}${countLine(list, (c) => `${where(c, list)}${c.a}`)}${tail}`);
  }

  if (input.figure3) {
    const rows = input.figure3.rows.filter((r) => r.setting !== '—');
    const pg = paper?.figure3.relativeDiceGainPercent;
    const parts: string[] = [];
    const pair = (measure: 'smoothness' | 'volume', hard: string, easy: string, label: string) => {
      const paperText = pg ? `paper ${yesNo((pg as any)[measure][hard] - (pg as any)[measure][easy])} (${formatSigned((pg as any)[measure][hard], 2)} % vs ${formatSigned((pg as any)[measure][easy], 2)} %)` : 'paper n/a';
      const h = rows.find((r) => r.measure === measure && r.group === hard);
      const e = rows.find((r) => r.measure === measure && r.group === easy);
      let d = h && e ? h.gainPercent - e.gainPercent : NaN;
      let oursText = Number.isFinite(d) ? `ours ${yesNo(d)} (${formatSigned(h!.gainPercent, 2)} % vs ${formatSigned(e!.gainPercent, 2)} %)` : 'ours n/a';
      let absolute = false;
      if (!Number.isFinite(d) && h && e && Number.isFinite(h.diff) && Number.isFinite(e.diff)) {
        absolute = true;
        // A relative gain is undefined where FL's Dice is 0: compare the absolute gains (A-FL − FL in Dice), said so.
        d = h.diff - e.diff;
        const zero = [h, e].filter((r) => r.gainKind === 'absolute').map((r) => r.group);
        oursText = `ours ${yesNo(d)} by the absolute Dice gain A-FL − FL (${formatSigned(h.diff, 3)} vs ${formatSigned(e.diff, 3)}; relative gain undefined: FL's Dice is 0 in ${zero.join(' and ')})`;
      }
      const v = pg && Number.isFinite(d) ? verdict((pg as any)[measure][hard] - (pg as any)[measure][easy], d) : '';
      parts.push(`${label}: ${paperText}, ${oursText}${v && absolute ? `${v} (ours absolute, the paper's relative)` : v}`);
    };
    pair('smoothness', 'poor', 'good', "A-FL's Dice gain is larger for poor than for good boundary smoothness");
    pair('volume', 'small', 'large', 'larger for small than for large volume');
    // The sign of the absolute difference is the sign of the relative gain where FL > 0, and still defined where FL = 0.
    const known = rows.filter((r) => Number.isFinite(r.diff));
    const paperAll = pg ? Object.values(pg.smoothness).concat(Object.values(pg.volume)) : [];
    parts.push(`A-FL > FL in every group: ${pg ? `paper ${paperAll.filter((g) => g > 0).length}/${paperAll.length}` : 'paper n/a'}, ${known.length ? `ours ${known.filter((r) => r.diff > 0).length}/${known.length}${known.some((r) => r.gainKind === 'absolute') ? ` (by the sign of A-FL − FL in Dice; FL's Dice is 0 in ${known.every((r) => r.gainKind === 'absolute') ? 'every group' : 'some groups'})` : ''}` : 'ours n/a'}`);
    const multi = new Set(rows.map((r) => `${r.setting}|${r.model}`)).size > 1;
    out.push(`Figure 3 (${viewDataset('figure3')}${multi ? ', first setting shown' : ''}): ${parts.join('; ')}.`);
  }
  return out;
}

function paperDiff(paper: PaperTables, id: 1 | 2 | 3 | 4, a: string, b: string, model?: string, metric: Metric = 'dice'): number {
  const rows = paper[`table${id}`].rows.filter((r) => model === undefined || r.model === model);
  const ra = rows.find((r) => r.loss === a);
  const rb = rows.find((r) => r.loss === b);
  return ra && rb ? ra[metric] - rb[metric] : NaN;
}
