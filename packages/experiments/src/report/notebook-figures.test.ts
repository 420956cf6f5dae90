import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { barChartPlotly, displayFigure, figure3GainPlotly, figureBundle, PLOTLY_MIME, svgImgHtml } from './notebook-figures';
import { buildReport } from './build-report';
import { loadPaperTables } from './load-paper-tables';
import { notebookView, tableChartOptions } from './notebook-view';
import { syntheticResults } from './synthetic-results';

describe('notebook figures (plotly + static SVG)', () => {
  const report = buildReport(syntheticResults({ seeds: [0, 1] }), loadPaperTables());

  it('gives every chart of every view as a plotly figure beside its SVG', () => {
    for (const id of [1, 2, 3, 4, 5, 'figure3'] as const) {
      const v = notebookView(id, report);
      assert.equal(v.figures.length, v.charts.length, `view ${id}`);
      v.figures.forEach((f, i) => {
        assert.equal(f.svg, v.charts[i]);
        assert.ok(f.title.length > 0);
        const kind = /training loss and validation Dice/.test(f.title) ? 'scatter' : 'bar';
        assert.ok(f.plotly.data.length > 0 && f.plotly.data.every((t) => t.type === kind), `view ${id}: ${kind} traces`);
        assert.ok(JSON.stringify(f.plotly).length < 50_000, `view ${id}: small plotly JSON`);
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(f.plotly)));
      });
    }
  });

  it('mirrors the SVG bars: same panels, series, values, error bars and y range', () => {
    const options = tableChartOptions(1, report.tables.table1);
    const fig = barChartPlotly(options);
    assert.equal(fig.data.length, options.panels.length * 2);
    assert.deepEqual(fig.data.map((t) => t.name).slice(0, 2), ['paper', 'ours (± sd)']);
    assert.deepEqual(fig.data.filter((t) => t.showlegend).map((t) => t.name), ['paper', 'ours (± sd)']);
    const ours = options.panels[0].series[1];
    assert.deepEqual(fig.data[1].y, ours.values.map((v) => (Number.isFinite(v) ? v : null)));
    assert.deepEqual((fig.data[1].error_y as { array: number[] }).array, ours.errors!.map((e) => (Number.isFinite(e) ? e : 0)));
    assert.deepEqual((fig.data[0].marker as { color: string }).color, '#9ecae9');
    assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [0, 1]);
    assert.equal((fig.layout.yaxis4 as { matches: string }).matches, 'y');
    assert.deepEqual((fig.layout.xaxis4 as { title: { text: string } }).title.text, 'Specificity');
    assert.equal((fig.layout.title as { text: string }).text, options.title);
  });

  it('draws Figure 3\'s gain with negative bars and n/a labels as null', () => {
    const neg = { ...report, figure3: { ...report.figure3, rows: report.figure3.rows.map((r, i) => ({ ...r, gainPercent: i === 0 ? NaN : -3 })) } };
    const fig = figure3GainPlotly(neg);
    assert.equal(fig.data.length, 4);
    const ours = fig.data.filter((t) => t.name === 'ours (95 % CI)').flatMap((t) => t.y as Array<number | null>);
    assert.ok(ours.includes(-3) && ours.includes(null));
    assert.ok(fig.data.flatMap((t) => t.text as string[]).includes('n/a'));
  });

  it('bundles the plotly figure with the SVG as an <img> data URI in text/html', () => {
    const f = notebookView(1, report).figures[0];
    const b = figureBundle(f);
    assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    assert.equal(b[PLOTLY_MIME], f.plotly);
    const html = b['text/html'] as string;
    const m = /^<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="[^"]*" width="\d+" style="max-width:100%"\/>$/.exec(html);
    assert.ok(m, html.slice(0, 120));
    assert.equal(Buffer.from(m![1], 'base64').toString('utf8'), f.svg);
    assert.match(svgImgHtml('<svg width="10"/>', 'a "b" <c>'), /alt="a &quot;b&quot; &lt;c&gt;"/);
  });

  it('displays one multi-MIME output through a tslab kernel\'s writer, else two outputs through display.raw', () => {
    const f = notebookView(2, report).figures[0];
    const raw: Array<[string, unknown]> = [];
    const plain = { raw: (mime: string, data: unknown) => raw.push([mime, data]) };
    assert.equal(displayFigure(plain, f), 'separate');
    assert.deepEqual(raw.map(([m]) => m), [PLOTLY_MIME, 'text/html']);
    assert.equal(raw[0][1], f.plotly);

    // A stand-in for tslab's dist/: public.js exports `display`, jupyter.js the kernel's current writer.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-fake-tslab-'));
    fs.writeFileSync(path.join(dir, 'jupyter.js'), 'exports.lastWriteDisplayData = null;\n');
    fs.writeFileSync(path.join(dir, 'public.js'), "require('./jupyter');\nexports.display = { raw() { throw new Error('raw called'); } };\n");
    const pub = require(path.join(dir, 'public.js'));
    const jupyter = require(path.join(dir, 'jupyter.js'));
    const sent: unknown[] = [];
    jupyter.lastWriteDisplayData = (content: unknown, update: boolean) => sent.push({ content, update });
    assert.equal(displayFigure(pub.display, f), 'bundle');
    assert.deepEqual(sent, [{ content: { data: figureBundle(f), metadata: {}, transient: {} }, update: false }]);
  });
});
