import type { CellResult } from '../results/result-schema';
import { ablationOf, datasetBaseOf, settingOf, variantOf } from './case-rows';
import type { LineChartOptions, LinePanel, LineSeries } from './line-chart-svg';
import { lineChartSvg } from './line-chart-svg';

/** A table (1–5) or Figure 3. */
export type CurvesViewId = 1 | 2 | 3 | 4 | 5 | 'figure3';

/** Mean over seeds per epoch, with the min and max over seeds (equal to the mean with one seed). */
export interface CurvePoint {
  epoch: number;
  mean: number;
  min: number;
  max: number;
  /** Seeds with a finite value at this epoch. */
  n: number;
}

/** One line of the curves: a dataset, model and loss (variant), its seeds pooled. */
export interface CurveLine {
  label: string;
  dataset: string;
  model: string;
  variant: string;
  color: string;
  dash: boolean;
  seeds: number[];
  trainLoss: CurvePoint[];
  valDice: CurvePoint[];
  /** Per seed: the epoch whose checkpoint was evaluated (`bestEpoch`) and its values on the seed's own curve. */
  best: Array<{ seed: number; epoch: number; trainLoss: number; valDice: number }>;
}

export interface TrainingCurves {
  view: CurvesViewId;
  title: string;
  /** The setting drawn (`profile · protocol · N-D`; the one with most cells), or null without curves. */
  setting: string | null;
  /** Datasets drawn (one pair of panels each). */
  datasets: string[];
  lines: CurveLine[];
  /** What is drawn and what is left out, for a caption. */
  notes: string[];
}

const SHORT_MODEL: Record<string, string> = { unet: 'U-Net', 'attention-unet': 'AttU', regunet: 'RegU', r2unet: 'R2U', 'resnet50-unet': 'Res50U' };
const MODEL_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#b279a2', '#72b7b2'];
const VARIANT_COLORS: Record<string, string> = { 'A-FL': '#f58518', FL: '#7f7f7f' };
const OTHER_COLORS = ['#4c78a8', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#9d755d', '#eeca3b', '#bab0ac', '#ff9da6'];
const DATASET_NAME: Record<string, string> = { picai: 'PI-CAI', brats: 'BraTS' };

function pool(epochs: number[], perSeed: Array<Map<number, number>>): CurvePoint[] {
  return epochs.map((epoch) => {
    const v = perSeed.map((m) => m.get(epoch)).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return v.length
      ? { epoch, mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v), n: v.length }
      : { epoch, mean: NaN, min: NaN, max: NaN, n: 0 };
  });
}

/**
 * The training curves of a table's cells (Figure 3: its cells tagged `'figure3'`, else Table 1's): per epoch the
 * training loss and the mean validation Dice, one line per dataset, model and loss (variant), seeds pooled (mean line,
 * min–max band when there are several) and each seed's evaluated epoch (`bestEpoch`). One setting: the one with most
 * cells of the view (others are named in `notes`).
 *
 * @example lineChartSvg(trainingCurvesChartOptions(trainingCurves(4, results)))
 */
export function trainingCurves(view: CurvesViewId, results: readonly CellResult[]): TrainingCurves {
  let cells = results.filter((r) => (r.config.tables as Array<number | string>).includes(view));
  let fallback = false;
  if (view === 'figure3' && cells.length === 0) {
    cells = results.filter((r) => (r.config.tables as Array<number | string>).includes(1) && (r.config.loss === 'focal' || r.config.loss === 'afl'));
    fallback = cells.length > 0;
  }
  const name = view === 'figure3' ? 'Figure 3' : `Table ${view}`;
  const title = `${name}: training loss and validation Dice per epoch`;
  const notes: string[] = [];
  const bySetting = new Map<string, CellResult[]>();
  for (const r of cells) bySetting.set(settingOf(r), [...(bySetting.get(settingOf(r)) ?? []), r]);
  const setting = [...bySetting.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  if (setting === null) return { view, title, setting, datasets: [], lines: [], notes: [`no results with training curves for ${name} yet.`] };
  const others = [...bySetting.keys()].filter((s) => s !== setting);
  if (others.length) notes.push(`setting ${setting} drawn; left out: ${others.join('; ')}.`);
  if (fallback) notes.push('no cells are tagged "figure3"; the FL and A-FL cells of Table 1 are drawn.');
  const chosen = bySetting.get(setting)!;
  const noCurve = chosen.filter((r) => !Array.isArray(r.curve) || r.curve.length === 0);
  if (noCurve.length) notes.push(`${noCurve.length} cell result(s) without a curve left out: ${noCurve.map((r) => r.cellId).join(', ')}.`);
  const groups = new Map<string, CellResult[]>();
  for (const r of chosen) {
    if (!Array.isArray(r.curve) || r.curve.length === 0) continue;
    const k = [r.config.dataset, r.config.model, variantOf(r.config.loss, ablationOf(r))].join('|');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const datasets: string[] = [...new Set([...groups.values()].map((g) => g[0].config.dataset as string))].sort((a, b) => (datasetBaseOf(a) === 'picai' ? -1 : datasetBaseOf(b) === 'picai' ? 1 : a.localeCompare(b)));
  const models: string[] = [...new Set([...groups.values()].map((g) => g[0].config.model as string))];
  const multiModel = models.length > 1;
  const lines: CurveLine[] = [];
  const otherColor = new Map<string, string>();
  for (const g of groups.values()) {
    const { dataset, model } = g[0].config;
    const variant = variantOf(g[0].config.loss, ablationOf(g[0]));
    const sorted = [...g].sort((a, b) => a.config.seed - b.config.seed);
    const epochs = [...new Set(sorted.flatMap((r) => r.curve.map((e) => e.epoch)))].sort((a, b) => a - b);
    const map = (r: CellResult, key: 'trainLoss' | 'valDice') => new Map(r.curve.map((e) => [e.epoch, e[key] ?? NaN] as [number, number]));
    let color: string;
    if (multiModel) color = MODEL_COLORS[models.indexOf(model) % MODEL_COLORS.length];
    else if (VARIANT_COLORS[variant]) color = VARIANT_COLORS[variant];
    else {
      if (!otherColor.has(variant)) otherColor.set(variant, OTHER_COLORS[otherColor.size % OTHER_COLORS.length]);
      color = otherColor.get(variant)!;
    }
    lines.push({
      label: multiModel ? `${SHORT_MODEL[model] ?? model} ${variant}` : variant,
      dataset,
      model,
      variant,
      color,
      dash: multiModel ? variant !== 'A-FL' : false,
      seeds: sorted.map((r) => r.config.seed),
      trainLoss: pool(epochs, sorted.map((r) => map(r, 'trainLoss'))),
      valDice: pool(epochs, sorted.map((r) => map(r, 'valDice'))),
      best: sorted.map((r) => {
        const e = r.curve.find((x) => x.epoch === r.bestEpoch);
        return { seed: r.config.seed, epoch: r.bestEpoch, trainLoss: e?.trainLoss ?? NaN, valDice: e?.valDice ?? NaN };
      }),
    });
  }
  const order = (l: CurveLine) => [datasets.indexOf(l.dataset), models.indexOf(l.model), l.variant === 'FL' ? 0 : l.variant === 'A-FL' ? 1 : 2];
  lines.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.variant.localeCompare(b.variant);
  });
  const seedCounts = [...new Set(lines.map((l) => l.seeds.length))];
  notes.push(
    seedCounts.every((n) => n === 1)
      ? 'one seed per line: no band.'
      : `line: mean over seeds; band: min–max over seeds (${seedCounts.sort().join(' or ')} seeds per line).`,
  );
  notes.push("open circles: the epoch whose checkpoint was evaluated (best validation Dice), on each seed's own curve.");
  return { view, title, setting, datasets, lines, notes };
}

/**
 * The panels of {@link trainingCurves}: per dataset the training loss (log scale when every value is positive) and the
 * validation Dice; one series per line (its label), with its band and best-epoch markers.
 */
export function trainingCurvesChartOptions(curves: TrainingCurves): LineChartOptions {
  const panels: LinePanel[] = [];
  const several = curves.lines.some((l) => l.seeds.length > 1);
  for (const dataset of curves.datasets.length ? curves.datasets : ['']) {
    const sel = curves.lines.filter((l) => l.dataset === dataset);
    const ds = DATASET_NAME[datasetBaseOf(dataset)] ?? datasetBaseOf(dataset);
    const suffix = curves.datasets.length > 1 ? `, ${ds}` : '';
    const series = (key: 'trainLoss' | 'valDice'): LineSeries[] =>
      sel.map((l) => ({
        name: l.label,
        color: l.color,
        dash: l.dash,
        x: l[key].map((p) => p.epoch),
        y: l[key].map((p) => p.mean),
        ...(l.seeds.length > 1 ? { lower: l[key].map((p) => p.min), upper: l[key].map((p) => p.max) } : {}),
        markers: l.best.map((b) => ({
          x: b.epoch,
          y: b[key],
          text: `${l.label}${l.seeds.length > 1 || several ? `, seed ${b.seed}` : ''}: evaluated epoch ${b.epoch}, training loss ${fmt(b.trainLoss)}, val Dice ${fmt(b.valDice)}`,
        })),
      }));
    const loss = series('trainLoss');
    const positive = loss.flatMap((s) => s.y).filter(Number.isFinite);
    const log = positive.length > 0 && positive.every((v) => v > 0);
    panels.push({ title: `training loss${suffix}`, series: loss, yLabel: 'training loss', yScale: log ? 'log' : 'linear' });
    // Zoom to the data (steps of 0.1), so that low Dice curves of short runs stay readable.
    const dice = series('valDice');
    const top = Math.max(0, ...dice.flatMap((s) => [...s.y, ...(s.upper ?? [])]).filter(Number.isFinite));
    panels.push({ title: `validation Dice${suffix}`, series: dice, yLabel: 'mean val Dice', yMin: 0, yMax: Math.min(1, Math.max(0.1, Math.ceil(top * 10 - 1e-9) / 10)) });
  }
  const subtitle = curves.setting ? ` (${curves.setting})` : '';
  return {
    title: `${curves.title}${subtitle}`,
    panels,
    xLabel: 'epoch',
    columns: 2,
    panelWidth: 420,
    panelHeight: 270,
    markerLabel: 'evaluated epoch (best val Dice)',
    ...(several ? { bandLabel: 'min–max over seeds' } : {}),
  };
}

/** {@link trainingCurvesChartOptions} as an SVG. */
export function trainingCurvesSvg(curves: TrainingCurves): string {
  return lineChartSvg(trainingCurvesChartOptions(curves));
}

function fmt(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(2) : v.toFixed(3)) : 'n/a';
}
