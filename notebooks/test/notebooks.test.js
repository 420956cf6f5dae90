// Executes every notebook of this folder headless (jupyter nbconvert + the tslab kernel) on the results of the smoke
// grid, into a temporary folder: the committed notebooks are never overwritten. Fails when a cell errors.
// AFL_SKIP_NOTEBOOKS=1 skips it; AFL_NOTEBOOKS_RESULTS=<folder> uses that folder's smoke results instead of running
// the smoke grid (about 3 minutes on 2 cores).
'use strict';
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NOTEBOOKS_DIR = path.resolve(__dirname, '..');
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
const REPO = path.resolve(NOTEBOOKS_DIR, '..');
const NOTEBOOKS = fs.readdirSync(NOTEBOOKS_DIR).filter((f) => f.endsWith('.ipynb')).sort();
const SKIP = process.env.AFL_SKIP_NOTEBOOKS === '1' ? 'AFL_SKIP_NOTEBOOKS=1' : false;
const INSTALL_HINT =
  "install Debian's jupyter-nbconvert python3-nbclient python3-ipykernel (apt-get install -y jupyter-nbconvert " +
  'python3-nbclient python3-ipykernel, as .ci/run does), or set AFL_SKIP_NOTEBOOKS=1 to skip the notebook test';

/** The nbconvert command: Debian's first (a pyenv python3 may come first on PATH), then whatever PATH has. */
function findNbconvert() {
  for (const cmd of [['/usr/bin/jupyter-nbconvert'], ['jupyter-nbconvert'], ['jupyter', 'nbconvert']]) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8' });
    if (r.status === 0) return { cmd, version: r.stdout.trim() };
  }
  return null;
}

describe('notebooks (tslab, executed headless on the smoke grid)', { skip: SKIP }, () => {
  let tmp;
  let nbconvert;
  let results;
  let env;

  before(() => {
    nbconvert = findNbconvert();
    if (!nbconvert) return;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-notebooks-'));
    // A private kernelspec for the repository's tslab, so the test neither depends on nor changes the user's kernels.
    const tslab = path.join(REPO, 'node_modules', '.bin', 'tslab');
    assert.ok(fs.existsSync(tslab), `${tslab} is missing: run npm install at the repository root (tslab is a devDependency)`);
    const spec = path.join(tmp, 'jupyter', 'kernels', 'tslab');
    fs.mkdirSync(spec, { recursive: true });
    fs.writeFileSync(path.join(spec, 'kernel.json'), JSON.stringify({ argv: [tslab, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }));
    env = { ...process.env, JUPYTER_PATH: [path.join(tmp, 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter), AFL_PROFILE: 'smoke', AFL_RUN_MISSING: '0' };
    results = process.env.AFL_NOTEBOOKS_RESULTS ? path.resolve(process.env.AFL_NOTEBOOKS_RESULTS) : path.join(tmp, 'results');
    env.AFL_RESULTS = results;
    if (!process.env.AFL_NOTEBOOKS_RESULTS) {
      const t0 = Date.now();
      const grid = spawnSync(process.execPath, [path.join(REPO, 'packages', 'experiments', 'dist', 'cli.js'), 'grid', '--profile', 'smoke', '--out', results], { encoding: 'utf8', env: process.env });
      assert.equal(grid.status, 0, `the smoke grid failed (exit ${grid.status}):\n${(grid.stdout ?? '').slice(-3000)}\n${(grid.stderr ?? '').slice(-3000)}`);
      console.log(`smoke grid: ${((Date.now() - t0) / 1000).toFixed(0)} s into ${results}`);
    }
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has jupyter nbconvert', () => {
    assert.ok(nbconvert, `jupyter nbconvert was not found: ${INSTALL_HINT}`);
  });

  it('has the six notebooks, each with the tslab kernel', () => {
    assert.deepEqual(NOTEBOOKS, ['figure3.ipynb', 'table1.ipynb', 'table2.ipynb', 'table3.ipynb', 'table4.ipynb', 'table5.ipynb']);
    for (const f of NOTEBOOKS) {
      const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS_DIR, f), 'utf8'));
      assert.deepEqual(nb.metadata.kernelspec, { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, f);
      assert.ok(fs.statSync(path.join(NOTEBOOKS_DIR, f)).size < 1024 * 1024, `${f} is over 1 MiB`);
    }
  });

  /** Executes one notebook into `<tmp>/<outName>` and returns the executed notebook; fails when a cell errors. */
  function execute(file, outName, extraEnv = {}) {
    assert.ok(nbconvert, `jupyter nbconvert was not found: ${INSTALL_HINT}`);
    const run = (out, extra) => spawnSync(
      nbconvert.cmd[0],
      [...nbconvert.cmd.slice(1), '--to', 'notebook', '--execute', ...extra, file, '--output-dir', out, '--ExecutePreprocessor.timeout=600'],
      { cwd: NOTEBOOKS_DIR, env: { ...env, ...extraEnv }, encoding: 'utf8' },
    );
    const out = path.join(tmp, outName);
    const r = run(out, []);
    if (r.status !== 0) {
      // tslab sends a cell's stack trace to the cell's stderr, which nbconvert drops when it stops on the error:
      // run once more with --allow-errors to show it.
      const again = run(`${out}-errors`, ['--allow-errors']);
      let streams = '';
      try {
        const nb = JSON.parse(fs.readFileSync(path.join(`${out}-errors`, file), 'utf8'));
        streams = nb.cells.flatMap((c, i) => (c.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => `cell ${i + 1} stderr:\n${[].concat(o.text).join('')}`)).join('\n');
      } catch (e) {
        streams = `(no notebook from the second run: exit ${again.status})`;
      }
      assert.fail(`nbconvert failed on ${file} (exit ${r.status}):\n${(r.stderr ?? '').slice(-2500)}\n--- second run with --allow-errors ---\n${streams || '(no stderr output: the error did not recur)'}`);
    }
    return JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
  }

  for (const file of NOTEBOOKS) {
    it(`executes ${file} without an error`, () => {
      const t0 = Date.now();
      const nb = execute(file, 'executed');
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      for (const [i, c] of code.entries()) assert.ok(c.outputs.length > 0, `${file}: code cell ${i + 1} shows nothing`);
      const text = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
      assert.match(text, /none is missing/, `${file}: results of the smoke grid are missing`);
      // Each chart: ONE output with the plotly figure (JupyterLab) and the SVG as an <img> data URI (nbconvert's HTML, GitHub).
      // Tables: paper vs ours, then the training curves; Figure 3: the gain, the Dice per group, then the curves.
      const charts = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data && o.data[PLOTLY_MIME]);
      assert.equal(charts.length, file === 'figure3.ipynb' ? 3 : 2, `${file}: charts with ${PLOTLY_MIME}`);
      for (const o of charts) {
        assert.equal(o.output_type, 'display_data');
        assert.ok(Array.isArray(o.data[PLOTLY_MIME].data) && o.data[PLOTLY_MIME].data.length > 0, `${file}: plotly traces`);
        assert.ok(o.data[PLOTLY_MIME].layout && typeof o.data[PLOTLY_MIME].layout === 'object', `${file}: plotly layout`);
        assert.match([].concat(o.data['text/html']).join(''), /^<img src="data:image\/svg\+xml;base64,/, `${file}: static picture beside the plotly figure`);
      }
      const size = fs.statSync(path.join(tmp, 'executed', file)).size;
      assert.ok(size < 1024 * 1024, `${file}: the executed notebook is ${size} bytes, over 1 MiB`);
      console.log(`${file}: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${(size / 1024).toFixed(0)} KiB executed`);
    });
  }

  it('exports an executed notebook to HTML with the chart as a picture (jupyter nbconvert --to html)', () => {
    const executed = path.join(tmp, 'executed', 'table1.ipynb');
    if (!fs.existsSync(executed)) execute('table1.ipynb', 'executed');
    const r = spawnSync(nbconvert.cmd[0], [...nbconvert.cmd.slice(1), '--to', 'html', executed, '--output-dir', path.join(tmp, 'html')], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, `nbconvert --to html failed:\n${(r.stderr ?? '').slice(-2500)}`);
    const html = fs.readFileSync(path.join(tmp, 'html', 'table1.html'), 'utf8');
    const imgs = [...html.matchAll(/<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
    assert.equal(imgs.length, 2, 'two chart pictures in the HTML: paper vs ours, and the training curves');
    assert.match(imgs[1], /<text[^>]*>Table 1: training loss and validation Dice per epoch/);
    // The picture is the whole SVG chart: bars (<rect>) and labels (<text>), which nbconvert strips from image/svg+xml.
    assert.match(imgs[0], /^<svg[\s\S]*<\/svg>\n$/);
    assert.ok((imgs[0].match(/<rect /g) ?? []).length > 4, 'bars in the chart');
    assert.match(imgs[0], /<text[^>]*>Table 1: paper vs ours/);
  });

  it('runs the missing cells of Table 1 into an empty folder with AFL_RUN_MISSING=1', () => {
    const empty = path.join(tmp, 'run-missing');
    const nb = execute('table1.ipynb', 'executed-run-missing', { AFL_RESULTS: empty, AFL_RUN_MISSING: '1' });
    const text = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
    assert.match(text, /running 2 missing cell\(s\) of the smoke grid/);
    assert.match(text, /2 run now; none is missing/);
    assert.equal(fs.readdirSync(path.join(empty, 'cells')).filter((f) => f.endsWith('.json')).length, 2);
  });
});
