import { DEFAULT_BAR_COLORS } from './bar-chart-svg';

/** One line of a {@link LinePanel}: points (x, y), an optional band (lower–upper at the same x) and marked points. */
export interface LineSeries {
  name: string;
  /** Default: the chart's colours in order of first appearance of the name. */
  color?: string;
  /** Dashed line (e.g. the baseline of a pair). */
  dash?: boolean;
  x: number[];
  /** NaN leaves a gap. */
  y: number[];
  /** Band around the line (e.g. min–max over seeds), drawn under it; NaN leaves a gap. */
  lower?: number[];
  upper?: number[];
  /** Points drawn as open circles on the line (e.g. the epoch that was evaluated), with a hover text. */
  markers?: Array<{ x: number; y: number; text?: string }>;
}

export interface LinePanel {
  title: string;
  series: LineSeries[];
  yLabel?: string;
  /** `'log'`: log10 axis (positive values only; others leave gaps). Default `'linear'`. */
  yScale?: 'linear' | 'log';
  /** Axis range; default the data's (linear: from 0 when all values are ≥ 0; up to 1 when all are in [0, 1]). */
  yMin?: number;
  yMax?: number;
}

export interface LineChartOptions {
  title: string;
  panels: LinePanel[];
  xLabel?: string;
  /** Panels per row; default min(2, panels). */
  columns?: number;
  /** Panel width and height in px; default 400 × 260. */
  panelWidth?: number;
  panelHeight?: number;
  colors?: string[];
  /** Legend entry of the markers (e.g. 'best epoch (evaluated)'); none when absent. */
  markerLabel?: string;
  /** Legend entry of the bands (e.g. 'min–max over seeds'); none when absent. */
  bandLabel?: string;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f1 = (v: number) => v.toFixed(1);

/** The colour of each series name: its own `color`, else the palette in order of first appearance. */
export function lineColors(options: LineChartOptions): Map<string, { color: string; dash: boolean }> {
  const palette = options.colors ?? DEFAULT_BAR_COLORS;
  const out = new Map<string, { color: string; dash: boolean }>();
  for (const p of options.panels) {
    for (const s of p.series) {
      if (!out.has(s.name)) out.set(s.name, { color: s.color ?? palette[out.size % palette.length], dash: !!s.dash });
    }
  }
  return out;
}

/** The y range and ticks of a panel. */
export function lineAxis(panel: LinePanel): { lo: number; hi: number; ticks: number[]; log: boolean } {
  const log = panel.yScale === 'log';
  const vals = panel.series.flatMap((s) => [...s.y, ...(s.lower ?? []), ...(s.upper ?? []), ...(s.markers ?? []).map((m) => m.y)]).filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (log) {
    const lo = panel.yMin ?? (vals.length ? 10 ** Math.floor(Math.log10(Math.min(...vals))) : 0.001);
    const hi = panel.yMax ?? (vals.length ? 10 ** Math.ceil(Math.log10(Math.max(...vals))) : 1);
    const top = hi > lo ? hi : lo * 10;
    const decades = Math.log10(top / lo);
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(top)); e++) {
      for (const k of decades <= 2 ? [1, 2, 5] : [1]) {
        const t = k * 10 ** e;
        if (t >= lo * (1 - 1e-9) && t <= top * (1 + 1e-9)) ticks.push(t);
      }
    }
    return { lo, hi: top, ticks, log };
  }
  const dMin = vals.length ? Math.min(...vals) : 0;
  const dMax = vals.length ? Math.max(...vals) : 1;
  let lo = panel.yMin ?? (dMin >= 0 ? 0 : dMin);
  let hi = panel.yMax ?? (dMin >= 0 && dMax <= 1 ? 1 : dMax);
  if (!(hi > lo)) hi = lo + 1;
  const step = niceStep((hi - lo) / 5);
  if (panel.yMin === undefined) lo = Math.floor(lo / step) * step;
  if (panel.yMax === undefined) hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) ticks.push(+v.toFixed(10));
  return { lo, hi, ticks, log };
}

/**
 * A dependency-free SVG line chart, the look of `barChartSvg`: panels in a grid (each with its own y axis, linear or
 * log), a shared legend (dashed names dashed), per series an optional band (e.g. min–max over seeds) and open-circle
 * markers (e.g. the epoch evaluated). NaN values leave gaps.
 *
 * @example fs.writeFileSync('curves.svg', lineChartSvg({ title: 'Training curves', panels }));
 */
export function lineChartSvg(options: LineChartOptions): string {
  const pw = options.panelWidth ?? 400;
  const ph = options.panelHeight ?? 260;
  const cols = Math.max(1, options.columns ?? Math.min(2, options.panels.length));
  const rows = Math.max(1, Math.ceil(options.panels.length / cols));
  const style = lineColors(options);
  const pm = { top: 26, right: 14, bottom: 38, left: 58 };
  // Legend: one entry per name, wrapped.
  const legend: Array<{ kind: 'line' | 'marker' | 'band'; name: string; color: string; dash: boolean }> = [...style].map(([name, s]) => ({ kind: 'line' as const, name, ...s }));
  if (options.bandLabel) legend.push({ kind: 'band', name: options.bandLabel, color: '#888', dash: false });
  if (options.markerLabel) legend.push({ kind: 'marker', name: options.markerLabel, color: '#333', dash: false });
  const width = cols * pw + 20;
  const itemW = (n: string) => 34 + n.length * 6.2;
  const legendRows: Array<typeof legend> = [[]];
  let used = 0;
  for (const item of legend) {
    if (used + itemW(item.name) > width - 40 && legendRows[legendRows.length - 1].length) {
      legendRows.push([]);
      used = 0;
    }
    legendRows[legendRows.length - 1].push(item);
    used += itemW(item.name);
  }
  const top = 30 + legendRows.length * 16;
  const height = top + rows * ph + 8;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);
  legendRows.forEach((row, ri) => {
    let lx = 20;
    const ly = 34 + ri * 16;
    for (const item of row) {
      if (item.kind === 'line') out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${item.color}" stroke-width="2"${item.dash ? ' stroke-dasharray="5 3"' : ''}/>`);
      if (item.kind === 'band') out.push(`<rect x="${lx}" y="${ly - 5}" width="22" height="10" fill="${item.color}" fill-opacity="0.25"/>`);
      if (item.kind === 'marker') out.push(`<circle cx="${lx + 11}" cy="${ly}" r="4" fill="#ffffff" stroke="${item.color}" stroke-width="1.5"/>`);
      out.push(`<text x="${lx + 26}" y="${ly + 4}">${escapeXml(item.name)}</text>`);
      lx += itemW(item.name);
    }
  });
  const xs = options.panels.flatMap((p) => p.series.flatMap((s) => s.x)).filter(Number.isFinite);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const xSpan = xMax > xMin ? xMax - xMin : 1;
  options.panels.forEach((panel, i) => {
    const ox = 10 + (i % cols) * pw;
    const oy = top + Math.floor(i / cols) * ph;
    const plotW = pw - pm.left - pm.right;
    const plotH = ph - pm.top - pm.bottom;
    const axis = lineAxis(panel);
    const X = (v: number) => ox + pm.left + (plotW * (v - xMin)) / xSpan;
    const Y = (v: number) => {
      const t = axis.log ? (Math.log10(v) - Math.log10(axis.lo)) / (Math.log10(axis.hi) - Math.log10(axis.lo)) : (v - axis.lo) / (axis.hi - axis.lo);
      return oy + pm.top + plotH * (1 - Math.max(0, Math.min(1, t)));
    };
    const ok = (v: number) => Number.isFinite(v) && (!axis.log || v > 0);
    out.push(`<g class="panel">`);
    out.push(`<text x="${ox + pm.left + plotW / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`);
    for (const t of axis.ticks) {
      out.push(`<line x1="${ox + pm.left}" x2="${ox + pm.left + plotW}" y1="${f1(Y(t))}" y2="${f1(Y(t))}" stroke="#e0e0e0"/>`);
      out.push(`<text x="${ox + pm.left - 6}" y="${f1(Y(t) + 4)}" text-anchor="end">${axis.log ? (t >= 1 ? String(Math.round(t)) : String(+t.toPrecision(1))) : +t.toFixed(4)}</text>`);
    }
    out.push(`<line x1="${ox + pm.left}" x2="${ox + pm.left + plotW}" y1="${oy + pm.top + plotH}" y2="${oy + pm.top + plotH}" stroke="#333"/>`);
    out.push(`<line x1="${ox + pm.left}" x2="${ox + pm.left}" y1="${oy + pm.top}" y2="${oy + pm.top + plotH}" stroke="#333"/>`);
    for (const t of niceTicks(xMin, xMax)) {
      out.push(`<line x1="${f1(X(t))}" x2="${f1(X(t))}" y1="${oy + pm.top + plotH}" y2="${oy + pm.top + plotH + 4}" stroke="#333"/>`);
      out.push(`<text x="${f1(X(t))}" y="${oy + pm.top + plotH + 15}" text-anchor="middle">${t}</text>`);
    }
    if (options.xLabel) out.push(`<text x="${ox + pm.left + plotW / 2}" y="${oy + ph - 6}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
    const yl = `${panel.yLabel ?? ''}${axis.log ? ' (log scale)' : ''}`;
    if (yl) out.push(`<text transform="translate(${ox + 12} ${oy + pm.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yl)}</text>`);
    for (const s of panel.series) {
      const { color } = style.get(s.name)!;
      if (s.lower && s.upper) {
        for (const seg of segments(s.x, (k) => ok(s.lower![k]) && ok(s.upper![k]))) {
          const up = seg.map((k) => `${f1(X(s.x[k]))},${f1(Y(s.upper![k]))}`);
          const down = [...seg].reverse().map((k) => `${f1(X(s.x[k]))},${f1(Y(s.lower![k]))}`);
          out.push(`<polygon class="band" points="${[...up, ...down].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"><title>${escapeXml(`${s.name}: ${options.bandLabel ?? 'band'}`)}</title></polygon>`);
        }
      }
    }
    for (const s of panel.series) {
      const { color, dash } = style.get(s.name)!;
      for (const seg of segments(s.x, (k) => ok(s.y[k]))) {
        const pts = seg.map((k) => `${f1(X(s.x[k]))},${f1(Y(s.y[k]))}`).join(' ');
        if (seg.length === 1) out.push(`<circle cx="${pts.split(',')[0]}" cy="${pts.split(',')[1]}" r="2" fill="${color}"/>`);
        else out.push(`<polyline class="line" points="${pts}" fill="none" stroke="${color}" stroke-width="1.8"${dash ? ' stroke-dasharray="5 3"' : ''}><title>${escapeXml(s.name)}</title></polyline>`);
      }
    }
    for (const s of panel.series) {
      const { color } = style.get(s.name)!;
      for (const mk of s.markers ?? []) {
        if (!ok(mk.y) || !Number.isFinite(mk.x)) continue;
        out.push(`<circle class="marker" cx="${f1(X(mk.x))}" cy="${f1(Y(mk.y))}" r="4" fill="#ffffff" stroke="${color}" stroke-width="1.8"><title>${escapeXml(mk.text ?? `${s.name}: ${mk.x}, ${mk.y}`)}</title></circle>`);
      }
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Runs of consecutive indices where `keep` holds. */
function segments(x: number[], keep: (k: number) => boolean): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  for (let k = 0; k < x.length; k++) {
    if (keep(k) && Number.isFinite(x[k])) cur.push(k);
    else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

function niceTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const step = Math.max(1, niceStep((hi - lo) / 6));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(6));
  return out;
}

function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= x) return k * p;
  return 10 * p;
}
