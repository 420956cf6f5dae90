/** One panel of a grouped bar chart: categories along x, one bar per series in each category. */
export interface BarPanel {
  title: string;
  categories: string[];
  series: Array<{ name: string; values: number[]; errors?: number[] }>;
  /** Text under each category's label (e.g. the relative gain); `\n` starts a new line. */
  annotations?: string[];
  /** Width of this panel in px; default the chart's `panelWidth`. */
  width?: number;
}

export interface BarChartOptions {
  title: string;
  panels: BarPanel[];
  yLabel?: string;
  /** Top of the y axis; default: the data maximum, rounded up (1 when all values are in [0, 1]). */
  yMax?: number;
  /** Panel width in px; default 360. */
  panelWidth?: number;
  height?: number;
  colors?: string[];
}

/** The series colours of {@link barChartSvg} (and `barChartPlotly`) when none are given. */
export const DEFAULT_BAR_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2'];
const DEFAULT_COLORS = DEFAULT_BAR_COLORS;

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A dependency-free SVG grouped bar chart (panels side by side, shared legend), so that a report's figures can be seen
 * without a browser or a plotting library. NaN values draw no bar.
 *
 * @example fs.writeFileSync('figure3.svg', barChartSvg({ title: 'Figure 3', panels }));
 */
export function barChartSvg(options: BarChartOptions): string {
  const panelWidth = options.panelWidth ?? 360;
  const height = options.height ?? 340;
  const colors = options.colors ?? DEFAULT_COLORS;
  const margin = { top: 56, right: 16, bottom: 64, left: 56 };
  const widths = options.panels.map((p) => p.width ?? panelWidth);
  const offsets = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const width = margin.left + widths.reduce((a, b) => a + b, 0) + margin.right;
  const plotH = height - margin.top - margin.bottom;
  const values = options.panels.flatMap((p) => p.series.flatMap((s) => s.values.map((v, i) => v + (s.errors?.[i] ?? 0)))).filter(Number.isFinite);
  const dataMax = values.length ? Math.max(...values) : 1;
  const yMax = options.yMax ?? (dataMax <= 1 ? 1 : niceCeil(dataMax));
  const y = (v: number) => margin.top + plotH * (1 - Math.max(0, Math.min(v, yMax)) / yMax);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);
  // legend
  const names = [...new Set(options.panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colorOf = (name: string) => colors[names.indexOf(name) % colors.length];
  let lx = margin.left;
  names.forEach((name) => {
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${colorOf(name)}"/>`);
    out.push(`<text x="${lx + 14}" y="37">${escapeXml(name)}</text>`);
    lx += 24 + name.length * 6.5;
  });
  // y axis and grid
  for (let k = 0; k <= 5; k++) {
    const v = (yMax * k) / 5;
    const yy = y(v);
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${margin.left - 6}" y="${yy + 4}" text-anchor="end">${+v.toFixed(2)}</text>`);
  }
  if (options.yLabel) {
    out.push(`<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }
  options.panels.forEach((panel, p) => {
    const x0 = margin.left + offsets[p];
    const w = widths[p];
    const catW = (w - 16) / Math.max(1, panel.categories.length);
    out.push(`<text x="${x0 + w / 2}" y="${height - 10}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`);
    out.push(`<line x1="${x0}" x2="${x0 + w - 8}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);
    panel.categories.forEach((cat, c) => {
      const cx = x0 + 8 + c * catW;
      const barW = (catW * 0.8) / Math.max(1, panel.series.length);
      panel.series.forEach((s, si) => {
        const v = s.values[c];
        const color = colorOf(s.name);
        const bx = cx + catW * 0.1 + si * barW;
        if (Number.isFinite(v)) {
          out.push(`<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${color}"><title>${escapeXml(`${s.name}, ${cat}: ${v.toFixed(3)}`)}</title></rect>`);
          const e = s.errors?.[c];
          if (e !== undefined && Number.isFinite(e) && e > 0) {
            const mx = bx + (barW - 1) / 2;
            out.push(`<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${y(v - e).toFixed(1)}" y2="${y(v + e).toFixed(1)}" stroke="#222"/>`);
          }
        }
      });
      out.push(`<text x="${(cx + catW / 2).toFixed(1)}" y="${y(0) + 14}" text-anchor="middle">${escapeXml(cat)}</text>`);
      const note = panel.annotations?.[c];
      if (note) {
        note.split('\n').forEach((line, li) => {
          out.push(`<text x="${(cx + catW / 2).toFixed(1)}" y="${y(0) + 28 + 11 * li}" text-anchor="middle" fill="#555" font-size="10">${escapeXml(line)}</text>`);
        });
      }
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
