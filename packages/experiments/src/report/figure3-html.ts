import * as fs from 'node:fs';
import type { Figure3Result } from './figure3';
import { FIGURE3_GROUPS, figure3GainText } from './figure3';

export type PlotlyMode = 'inline' | 'file';

export interface Figure3HtmlOptions {
  /**
   * `'file'` (default): `<script src="plotly.min.js">`, the bundle copied beside the HTML by `writeReport` (the page
   * stays small and works offline); `'inline'`: the bundle inside the page (~4.8 MB for plotly.js-dist-min 4.1.2).
   */
  plotly?: PlotlyMode;
}

/** Path of plotly.js-dist-min's bundle. */
export function plotlyBundlePath(): string {
  return require.resolve('plotly.js-dist-min');
}

/**
 * Figure 3 as an interactive plotly grouped-bar chart: mean Dice of FL and A-FL per smoothness and volume tertile
 * (two subplots), with our and the paper's relative gain over each group. The first setting is drawn.
 */
export function figure3Html(fig: Figure3Result, options: Figure3HtmlOptions = {}): string {
  const rows = fig.rows;
  const first = rows[0];
  const sel = rows.filter((r) => r.setting === first?.setting && r.model === first?.model && r.dataset === first?.dataset);
  const traces: unknown[] = [];
  const annotations: unknown[] = [];
  (['smoothness', 'volume'] as const).forEach((measure, i) => {
    const groups = FIGURE3_GROUPS[measure];
    const pick = (g: string) => sel.find((r) => r.measure === measure && r.group === g);
    const axis = i === 0 ? '' : '2';
    for (const [name, key, color] of [['FL', 'flDice', '#4c78a8'], ['A-FL', 'aflDice', '#f58518']] as const) {
      traces.push({
        type: 'bar',
        name,
        legendgroup: name,
        showlegend: i === 0,
        marker: { color },
        x: groups.map((g) => `${g}`),
        y: groups.map((g) => {
          const v = pick(g)?.[key];
          return v !== undefined && Number.isFinite(v) ? v : null;
        }),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
      });
    }
    for (const g of groups) {
      const r = pick(g);
      if (!r) continue;
      const ours = figure3GainText(r);
      const paper = Number.isFinite(r.paperGainPercent) ? `${r.paperGainPercent.toFixed(2)} %` : 'n/a';
      const top = Math.max(Number.isFinite(r.flDice) ? r.flDice : 0, Number.isFinite(r.aflDice) ? r.aflDice : 0);
      annotations.push({ x: g, y: top, xref: `x${axis}`, yref: `y${axis}`, text: `ours ${ours}<br>paper +${paper}`, showarrow: false, yshift: 22, font: { size: 11 } });
    }
  });
  const layout = {
    title: { text: 'Figure 3: Dice of FL vs A-FL by boundary smoothness and lesion volume (PI-CAI)' },
    barmode: 'group',
    grid: { rows: 1, columns: 2, pattern: 'independent' },
    xaxis: { title: { text: 'boundary smoothness tertile' } },
    xaxis2: { title: { text: 'lesion volume tertile' } },
    yaxis: { title: { text: 'mean Dice' }, range: [0, 1.15] },
    yaxis2: { range: [0, 1.15] },
    annotations,
    margin: { t: 70 },
  };
  const script = options.plotly === 'inline' ? `<script>${fs.readFileSync(plotlyBundlePath(), 'utf8').replace(/<\/script/gi, '<\\/script')}</script>` : '<script src="plotly.min.js"></script>';
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  const cuts = fig.cuts.map((c) => `<li>${escapeHtml(c.text)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Figure 3: FL vs A-FL by smoothness and volume</title>${script}</head>
<body style="font-family: Helvetica, Arial, sans-serif">
<div id="figure3" style="width: 960px; height: 520px"></div>
<ul>${cuts}</ul>
<script>
Plotly.newPlot('figure3', ${json(traces)}, ${json(layout)});
</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
