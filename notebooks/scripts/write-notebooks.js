#!/usr/bin/env node
// Writes notebooks/table1.ipynb … table5.ipynb and figure3.ipynb without outputs (`node scripts/write-notebooks.js`).
// The committed notebooks hold outputs: execute them afterwards (see ../README.md, "Notebooks").
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const env = 'The results come from env `AFL_PROFILE` (default `quick`) and `AFL_RESULTS` (default `<repo>/results/<profile>`); ' +
  'with `AFL_RUN_MISSING=1` the cells of the grid that this view needs and that have no result yet are run first. ' +
  'The committed outputs are those of the `standard` profile (`AFL_PROFILE=standard`; its results are committed in ' +
  '`results/standard/`). On phantom or simulated data (profiles `smoke`, `quick` and `standard`) the paper\'s ' +
  'differences can be compared in direction, not in size.';

// Each view's file, heading and the paper's claim: the paper spec of @afl/experiments (src/paper/tables.ts; build first).
const VIEWS = require('@afl/experiments').notebookSpecs();

const lines = (text) => text.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l));
const markdown = (text) => ({ cell_type: 'markdown', metadata: {}, source: lines(text) });
const code = (text) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(text) });

function notebook(v) {
  const id = typeof v.view === 'number' ? String(v.view) : `'${v.view}'`;
  return {
    cells: [
      markdown(`# ${v.title}\n\n**What the paper claims.** ${v.claim}\n\n**What this notebook shows.** The paper's numbers beside ours ` +
        `(mean ± sd over cases × seeds, and the difference), a chart, ${v.view === 'figure3' ? '' : 'the paired statistics of A-FL against each baseline on the same cases, and '}` +
        `whether our result agrees in direction with the paper's, and a gallery: A-FL's and FL's predictions drawn on the ` +
        `same validation cases (the best, median and worst by A-FL's Dice). ${env}`),
      code(
        "import { display } from 'tslab';\n" +
        "import * as afl from '@afl/experiments';\n\n" +
        'const settings = afl.notebookSettings(); // AFL_PROFILE, AFL_RESULTS, AFL_RUN_MISSING\n' +
        '// With AFL_RUN_MISSING=1 the grid\'s runner first runs the cells of this view that have no result yet.\n' +
        `const ran = settings.runMissing ? await afl.runMissingCells(${id}, settings) : null;\n` +
        `const loaded = await afl.loadNotebookResults(${id}, settings, { ran: ran ? ran.ran : 0 });\n` +
        'const report = afl.buildReport(loaded.results, afl.loadPaperTables(), { resultsDir: settings.dir });\n' +
        `const view = afl.notebookView(${id}, report);\n` +
        'display.markdown(loaded.summary);',
      ),
      markdown('## Paper vs ours'),
      code('display.markdown(view.table.toMarkdown({ heading: 0 }));\n// Each chart: an interactive plotly figure with a static SVG picture in the same output (nbconvert HTML, GitHub).\nfor (const figure of view.figures) afl.displayFigure(display, figure);'),
      markdown(v.view === 'figure3' ? '## Agreement with the paper' : '## Paired statistics and agreement with the paper'),
      code('display.markdown(view.statisticsMarkdown);'),
      ...(v.view === 'figure3' ? [] : [
        markdown(v.view === 2
          ? '## Lesion-level detection (not in the paper)\n\nLesion-wise F1 (26-connected lesions, hit at IoU ≥ 0.1) and HD95 beside Dice.'
          : '## Lesion-level detection and the PI-CAI metrics (not in the paper)\n\nThe PI-CAI challenge ranks models by lesion-level average precision (AP), patient-level AUROC and their mean, computed here with picai_eval\'s semantics (dynamic lesion candidates, as the PI-CAI baseline evaluates). The paper reports none of them.'),
        code('display.markdown(view.detection.toMarkdown({ heading: 0 }));'),
      ]),
      markdown('## Gallery: A-FL vs FL on the same validation cases'),
      code('display.markdown(view.gallery.markdown);\nfor (const p of view.gallery.pictures) {\n  display.markdown(p.caption);\n  display.png(p.png);\n}'),
    ],
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', codemirror_mode: { name: 'javascript', typescript: true } },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

const dir = path.resolve(__dirname, '..');
for (const v of VIEWS) {
  const nb = notebook(v);
  nb.cells.forEach((c, i) => (c.id = `${v.file.replace('.ipynb', '')}-${i}`));
  fs.writeFileSync(path.join(dir, v.file), `${JSON.stringify(nb, null, 1)}\n`);
  console.log(path.join(dir, v.file));
}
