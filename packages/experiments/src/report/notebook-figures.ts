import * as path from 'node:path';
import type { BarChartOptions } from './bar-chart-svg';
import { DEFAULT_BAR_COLORS } from './bar-chart-svg';
import type { ReportData } from './build-report';
import { figure3GainSeries } from './figure3-gain-series';
import { FIGURE3_GROUPS } from './figure3';
import { lineAxis, lineColors, type LineChartOptions } from './line-chart-svg';

/** A plotly figure as Jupyter's `application/vnd.plotly.v1+json` MIME type holds it (JupyterLab's plotly renderer). */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** One chart of a notebook: an interactive plotly figure and the same chart as a static SVG (the fallback). */
export interface NotebookFigure {
  title: string;
  plotly: PlotlyFigure;
  svg: string;
}

/** The MIME type of a plotly figure in a Jupyter output. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** Side-by-side subplots (x domains in proportion to the widths), y axes sharing the first one's range. */
function subplotLayout(title: string, widths: number[], axisTitles: string[], yaxis: Record<string, unknown>): Record<string, unknown> {
  const total = widths.reduce((a, b) => a + b, 0) || 1;
  const gap = widths.length > 1 ? 0.04 : 0;
  const usable = 1 - gap * (widths.length - 1);
  const layout: Record<string, unknown> = {
    title: { text: title },
    barmode: 'group',
    height: 420,
    margin: { t: 80, b: 80, l: 60, r: 20 },
    legend: { orientation: 'h', x: 0, y: 1.12 },
    template: { layout: { plot_bgcolor: '#ffffff', paper_bgcolor: '#ffffff' } },
  };
  let x0 = 0;
  widths.forEach((w, i) => {
    const x1 = Math.min(1, x0 + (usable * w) / total);
    const k = i === 0 ? '' : String(i + 1);
    layout[`xaxis${k}`] = { domain: [x0, x1], anchor: `y${k}`, title: { text: axisTitles[i] }, type: 'category' };
    layout[`yaxis${k}`] = i === 0 ? { anchor: 'x', gridcolor: '#e0e0e0', zerolinecolor: '#333', ...yaxis } : { anchor: `x${k}`, matches: 'y', showticklabels: false, gridcolor: '#e0e0e0', zerolinecolor: '#333' };
    x0 = x1 + gap;
  });
  return layout;
}

/**
 * The plotly counterpart of {@link barChartSvg}: the same panels (side-by-side subplots), series, colours, ± sd error
 * bars, y range and category notes (under the category's label), with hover values.
 *
 * @example display.raw(PLOTLY_MIME, barChartPlotly({ title: 'Dice', panels }));
 */
export function barChartPlotly(options: BarChartOptions): PlotlyFigure {
  const colors = options.colors ?? DEFAULT_BAR_COLORS;
  const names = [...new Set(options.panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colorOf = (name: string) => colors[names.indexOf(name) % colors.length];
  const values = options.panels.flatMap((p) => p.series.flatMap((s) => s.values.map((v, i) => v + (s.errors?.[i] ?? 0)))).filter(Number.isFinite);
  const dataMax = values.length ? Math.max(...values) : 1;
  const yMax = options.yMax ?? (dataMax <= 1 ? 1 : niceCeil(dataMax));
  const shown = new Set<string>();
  const data: PlotlyFigure['data'] = [];
  options.panels.forEach((panel, p) => {
    const k = p === 0 ? '' : String(p + 1);
    const x = panel.categories.map((c, i) => (panel.annotations?.[i] ? `${c}<br><span style="font-size:10px;color:#555">${panel.annotations[i].replace(/\n/g, '<br>')}</span>` : c));
    for (const s of panel.series) {
      const trace: Record<string, unknown> = {
        type: 'bar',
        name: s.name,
        legendgroup: s.name,
        showlegend: !shown.has(s.name),
        marker: { color: colorOf(s.name) },
        x,
        y: s.values.map((v) => finite(v)),
        xaxis: `x${k}`,
        yaxis: `y${k}`,
        hovertemplate: `${s.name}, %{x}: %{y:.3f}${s.errors ? ' ± %{error_y.array:.3f}' : ''}<extra>${panel.title}</extra>`,
      };
      if (s.errors) trace.error_y = { type: 'data', array: s.errors.map((e) => finite(e) ?? 0), visible: true, color: '#222', thickness: 1 };
      shown.add(s.name);
      data.push(trace);
    }
  });
  const widths = options.panels.map((p) => p.width ?? options.panelWidth ?? 360);
  const layout = subplotLayout(options.title, widths, options.panels.map((p) => p.title), { range: [0, yMax], ...(options.yLabel ? { title: { text: options.yLabel } } : {}) });
  return { data, layout };
}

/**
 * Figure 3's relative Dice gain of A-FL over FL (%), paper vs ours, by smoothness and by volume tertile, as plotly
 * bars (the counterpart of `figure3GainSvg`; ours can be negative). First setting only.
 */
export function figure3GainPlotly(report: ReportData): PlotlyFigure {
  const { sel, measures, series, anyAbsolute } = figure3GainSeries(report);
  const data: PlotlyFigure['data'] = [];
  measures.forEach((measure, p) => {
    const k = p === 0 ? '' : String(p + 1);
    const groups = FIGURE3_GROUPS[measure];
    const pick = groups.map((g) => sel.find((r) => r.measure === measure && r.group === g));
    const x = groups.map((g, i) => `${g}${pick[i] ? ` (${pick[i]!.cases})` : ''}${pick[i]?.gainKind === 'absolute' ? '<br><span style="font-size:10px">FL Dice 0: abs. Δ</span>' : ''}`);
    for (const s of series) {
      const y = pick.map((r) => finite(s.value(r)));
      const trace: Record<string, unknown> = {
        type: 'bar',
        name: s.name,
        legendgroup: s.name,
        showlegend: p === 0,
        marker: { color: pick.map((r) => (r?.gainKind === 'absolute' && s.absoluteColor ? s.absoluteColor : s.color)) },
        x,
        y,
        text: y.map((v, i) => (v === null ? 'n/a' : `${v.toFixed(1)}${pick[i]?.gainKind === 'absolute' && s.absoluteColor ? ' abs.' : ''}`)),
        textposition: 'outside',
        cliponaxis: false,
        xaxis: `x${k}`,
        yaxis: `y${k}`,
        hovertemplate: `${s.name}, ${measure} %{x}: %{y:.2f}${s.lower ? ' [%{customdata[0]}, %{customdata[1]}]' : ''}<extra></extra>`,
      };
      if (s.lower && s.upper) {
        // Infinite or missing bounds: no bar on that side (the hover text says ∞).
        const lo = pick.map((r) => s.lower!(r));
        const hi = pick.map((r) => s.upper!(r));
        const bound = (v: number) => (v === Infinity ? '∞' : v === -Infinity ? '−∞' : Number.isFinite(v) ? v.toFixed(2) : 'n/a');
        trace.customdata = pick.map((_, i) => [bound(lo[i]), bound(hi[i])]);
        trace.error_y = {
          type: 'data',
          symmetric: false,
          array: y.map((v, i) => (v !== null && Number.isFinite(hi[i]) ? hi[i] - v : 0)),
          arrayminus: y.map((v, i) => (v !== null && Number.isFinite(lo[i]) ? v - lo[i] : 0)),
          visible: true,
          color: '#222',
          thickness: 1,
        };
      }
      data.push(trace);
    }
  });
  const yTitle = anyAbsolute ? 'gain (%); red: A-FL − FL in Dice points ×100 (FL Dice 0)' : 'gain (%)';
  const layout = subplotLayout('Figure 3: relative Dice gain of A-FL over FL (%) with 95 % bootstrap CI, paper vs ours', [330, 330], ['boundary smoothness tertile', 'lesion volume tertile'], { title: { text: yTitle }, zeroline: true });
  return { data, layout };
}

const rgba = (hex: string, alpha: number) => {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
};

/**
 * The plotly counterpart of `lineChartSvg`: the same panels (a grid of subplots, each with its own y axis, log where
 * the panel is), lines (dashed ones dashed), bands (filled, under the line) and markers (open circles with their hover
 * text); one legend entry per series name, toggling it in every panel.
 *
 * @example display.raw(PLOTLY_MIME, lineChartPlotly(trainingCurvesChartOptions(report.curves.table4)));
 */
export function lineChartPlotly(options: LineChartOptions): PlotlyFigure {
  const style = lineColors(options);
  const cols = Math.max(1, options.columns ?? Math.min(2, options.panels.length));
  const rows = Math.max(1, Math.ceil(options.panels.length / cols));
  const data: PlotlyFigure['data'] = [];
  const shown = new Set<string>();
  const height = 170 + rows * (options.panelHeight ?? 260);
  const layout: Record<string, unknown> = {
    title: { text: options.title, y: 1 - 12 / height, yanchor: 'top' },
    height,
    margin: { t: 130, b: 60, l: 60, r: 20 },
    legend: { orientation: 'h', x: 0, y: 1 - 42 / height, yanchor: 'top', yref: 'container' },
    template: { layout: { plot_bgcolor: '#ffffff', paper_bgcolor: '#ffffff' } },
    annotations: [] as unknown[],
  };
  const gapX = 0.08;
  const gapY = rows > 1 ? 0.2 : 0;
  const w = (1 - gapX * (cols - 1)) / cols;
  const h = (1 - gapY * (rows - 1)) / rows;
  const nums = (v: number[], log: boolean) => v.map((x) => (Number.isFinite(x) && (!log || x > 0) ? x : null));
  options.panels.forEach((panel, i) => {
    const k = i === 0 ? '' : String(i + 1);
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x0 = c * (w + gapX);
    const y1 = 1 - r * (h + gapY);
    const axis = lineAxis(panel);
    layout[`xaxis${k}`] = { domain: [x0, x0 + w], anchor: `y${k}`, title: { text: options.xLabel ?? '' }, gridcolor: '#eeeeee' };
    layout[`yaxis${k}`] = {
      domain: [Math.max(0, y1 - h), y1],
      anchor: `x${k}`,
      gridcolor: '#e0e0e0',
      title: { text: panel.yLabel ?? '' },
      ...(axis.log ? { type: 'log', range: [Math.log10(axis.lo), Math.log10(axis.hi)] } : { range: [axis.lo, axis.hi] }),
    };
    (layout.annotations as unknown[]).push({ text: `<b>${panel.title}</b>`, x: x0 + w / 2, y: y1, xref: 'paper', yref: 'paper', xanchor: 'center', yanchor: 'bottom', showarrow: false });
    for (const s of panel.series) {
      const { color, dash } = style.get(s.name)!;
      if (s.lower && s.upper) {
        data.push({
          type: 'scatter', mode: 'lines', name: s.name, legendgroup: s.name, showlegend: false, hoverinfo: 'skip',
          x: [...s.x, ...[...s.x].reverse()], y: nums([...s.upper, ...[...s.lower].reverse()], axis.log),
          fill: 'toself', fillcolor: rgba(color, 0.18), line: { width: 0 }, xaxis: `x${k}`, yaxis: `y${k}`,
        });
      }
      data.push({
        type: 'scatter', mode: 'lines', name: s.name, legendgroup: s.name, showlegend: !shown.has(s.name),
        x: s.x, y: nums(s.y, axis.log), line: { color, width: 2, ...(dash ? { dash: 'dash' } : {}) }, xaxis: `x${k}`, yaxis: `y${k}`,
        hovertemplate: `${s.name}, epoch %{x}: %{y:.4g}<extra>${panel.title}</extra>`,
      });
      shown.add(s.name);
      if (s.markers?.length) {
        data.push({
          type: 'scatter', mode: 'markers', name: s.name, legendgroup: s.name, showlegend: false,
          x: s.markers.map((m) => m.x), y: nums(s.markers.map((m) => m.y), axis.log), text: s.markers.map((m) => m.text ?? ''),
          marker: { symbol: 'circle-open', size: 9, color, line: { width: 2, color } }, xaxis: `x${k}`, yaxis: `y${k}`,
          hovertemplate: '%{text}<extra></extra>',
        });
      }
    }
  });
  if (options.markerLabel) {
    (layout.annotations as unknown[]).push({ text: `○ ${options.markerLabel}${options.bandLabel ? `; band: ${options.bandLabel}` : ''}`, x: 1, y: 0, xref: 'paper', yref: 'paper', xanchor: 'right', yanchor: 'top', yshift: -28, showarrow: false, font: { size: 10, color: '#555' } });
  }
  return { data, layout };
}

/** The SVG as an `<img>` with a base64 data URI: HTML that nbconvert's HTML export and sanitisers leave intact. */
export function svgImgHtml(svg: string, alt: string): string {
  const width = /<svg[^>]*\bwidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1];
  return `<img src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}" alt="${escapeHtml(alt)}"${width ? ` width="${width}"` : ''} style="max-width:100%"/>`;
}

/**
 * One output bundle of a figure: the plotly figure (JupyterLab with its plotly renderer, VS Code), the SVG as an
 * `<img>` in `text/html` (what nbconvert's HTML export, GitHub and front ends without plotly show) and the title.
 */
export function figureBundle(figure: NotebookFigure): Record<string, unknown> {
  return { [PLOTLY_MIME]: figure.plotly, 'text/html': svgImgHtml(figure.svg, figure.title), 'text/plain': figure.title };
}

/** What {@link displayFigure} needs of tslab's `display`. */
export interface RawDisplay {
  raw(contentType: string, data: any): unknown;
}

type DisplayWriter = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * The running tslab kernel's writer of `display_data` messages (`jupyter.lastWriteDisplayData` of the tslab module
 * whose `display` this is), or null outside a tslab kernel. tslab's public `display.raw` sends one MIME type per
 * output; the writer sends a whole bundle.
 */
function tslabWriter(display: RawDisplay): DisplayWriter | null {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (!cache) return null;
  for (const mod of Object.values(cache)) {
    if (!mod || (mod.exports as { display?: unknown } | undefined)?.display !== display) continue;
    const jupyter = cache[path.join(path.dirname(mod.filename), 'jupyter.js')];
    const writer = (jupyter?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer as DisplayWriter;
  }
  return null;
}

/**
 * Displays a figure in a tslab notebook as ONE output with several MIME types ({@link figureBundle}): Jupyter front
 * ends pick the richest they can render. Outside tslab's kernel internals (another tslab layout) it falls back to two
 * outputs through `display.raw`: the plotly figure, then the `<img>`. Returns which way it went.
 *
 * @example import { display } from 'tslab'; for (const f of view.figures) afl.displayFigure(display, f);
 */
export function displayFigure(display: RawDisplay, figure: NotebookFigure): 'bundle' | 'separate' {
  const bundle = figureBundle(figure);
  const writer = tslabWriter(display);
  if (writer) {
    writer({ data: bundle, metadata: {}, transient: {} }, false);
    return 'bundle';
  }
  display.raw(PLOTLY_MIME, bundle[PLOTLY_MIME]);
  display.raw('text/html', bundle['text/html']);
  return 'separate';
}
