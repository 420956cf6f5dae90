import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineChartSvg } from './line-chart-svg';
import { lineChartPlotly } from './notebook-figures';
import { syntheticResults } from './synthetic-results';
import { trainingCurves, trainingCurvesChartOptions, trainingCurvesSvg } from './training-curves';

/** Well-formed enough for a browser: one root <svg>, every tag closed in order, attribute values quoted, no raw '<' or '&' in text. */
function assertWellFormedSvg(svg: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let roots = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    assert.ok(!/[<>]/.test(between) && !/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(between), `bad text before ${m[0]}: ${between.slice(0, 60)}`);
    last = tag.lastIndex;
    const [, close, name, , self] = m;
    if (close) assert.equal(stack.pop(), name, `closing ${name}`);
    else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name);
    }
  }
  assert.equal(svg.slice(last).trim(), '');
  assert.deepEqual(stack, []);
  assert.equal(roots, 1);
}

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe('training curves', () => {
  const three = syntheticResults({ seeds: [0, 1, 2], cases: 4 });
  const one = syntheticResults({ seeds: [1], cases: 4 });

  it('draws one line per loss, a min–max band over several seeds and each seed\'s evaluated epoch', () => {
    const c = trainingCurves(1, three);
    assert.deepEqual(c.lines.map((l) => l.label), ['FL', 'A-FL']);
    assert.deepEqual(c.lines[0].seeds, [0, 1, 2]);
    const svg = trainingCurvesSvg(c);
    assertWellFormedSvg(svg);
    assert.equal(count(svg, /class="line"/g), 2 * 2); // two lines × (loss, Dice)
    assert.equal(count(svg, /class="band"/g), 2 * 2);
    assert.equal(count(svg, /class="marker"/g), 2 * 2 * 3); // lines × panels × seeds
    assert.match(svg, /min–max over seeds/);
    // The markers sit at each seed's bestEpoch, on its own curve.
    const fl = three.filter((r) => r.config.tables.includes(1) && r.config.loss === 'focal');
    for (const r of fl) {
      const e = r.curve.find((x) => x.epoch === r.bestEpoch)!;
      assert.ok(svg.includes(`FL, seed ${r.config.seed}: evaluated epoch ${r.bestEpoch}, training loss `), `seed ${r.config.seed}`);
      assert.ok(svg.includes(`, val Dice ${e.valDice.toFixed(3)}</title>`), `seed ${r.config.seed} Dice`);
    }
    // Band = min and max over seeds at each epoch; line = mean.
    const p = c.lines[0].valDice[2];
    const v = fl.map((r) => r.curve[2].valDice);
    assert.deepEqual([p.min, p.max, p.n], [Math.min(...v), Math.max(...v), 3]);
    assert.ok(Math.abs(p.mean - v.reduce((a, b) => a + b, 0) / 3) < 1e-12);
  });

  it('draws a single line without band with one seed', () => {
    const svg = trainingCurvesSvg(trainingCurves(3, one));
    assertWellFormedSvg(svg);
    assert.equal(count(svg, /class="band"/g), 0);
    assert.ok(!svg.includes('min–max over seeds'));
    const losses = trainingCurves(3, one).lines.map((l) => l.label);
    const n = new Set(one.filter((r) => r.config.tables.includes(3)).map((r) => r.config.loss)).size;
    assert.equal(losses.length, n); // one line per loss of Table 3
    assert.ok(n >= 7);
    assert.equal(count(svg, /class="line"/g), n * 2);
    assert.equal(count(svg, /class="marker"/g), n * 2);
    assert.match(svg, /training loss \(log scale\)/); // losses of different scales
  });

  it('draws Table 4 per model (A-FL solid, FL dashed) and Table 5 per dataset and ablation row', () => {
    const t4 = trainingCurves(4, one);
    assert.equal(t4.lines.length, 10);
    assert.ok(t4.lines.some((l) => l.label === 'U-Net FL' && l.dash) && t4.lines.some((l) => l.label === 'U-Net A-FL' && !l.dash));
    const o4 = trainingCurvesChartOptions(t4);
    assert.equal(o4.panels.length, 2);
    const t5 = trainingCurves(5, one);
    const o5 = trainingCurvesChartOptions(t5);
    assert.deepEqual(o5.panels.map((p) => p.title), ['training loss, PI-CAI', 'validation Dice, PI-CAI', 'training loss, BraTS', 'validation Dice, BraTS']);
    assert.equal(o5.panels[1].series.length, 6); // FL, A-FL and four partial A-FL rows
    assertWellFormedSvg(lineChartSvg(o5));
  });

  it('mirrors the SVG as a plotly figure', () => {
    const o = trainingCurvesChartOptions(trainingCurves(1, three));
    const fig = lineChartPlotly(o);
    assert.ok(fig.data.every((t) => t.type === 'scatter'));
    assert.equal(fig.data.filter((t) => t.fill === 'toself').length, 4);
    assert.equal(fig.data.filter((t) => t.mode === 'markers').length, 4);
    assert.deepEqual(fig.data.filter((t) => t.showlegend).map((t) => t.name), ['FL', 'A-FL']);
    assert.equal((fig.layout.yaxis as { type?: string }).type, 'log');
    const [lo, hi] = (fig.layout.yaxis2 as { range: number[] }).range;
    const top = Math.max(...o.panels[1].series.flatMap((s) => s.upper ?? s.y));
    assert.ok(lo === 0 && hi >= top && hi <= Math.min(1, top + 0.1), `Dice axis zoomed to the data: ${hi} vs ${top}`);
  });

  it('says when there is nothing to draw', () => {
    const c = trainingCurves(2, []);
    assert.equal(c.lines.length, 0);
    assert.match(c.notes[0], /no results with training curves for Table 2/);
    assertWellFormedSvg(trainingCurvesSvg(c));
  });
});
