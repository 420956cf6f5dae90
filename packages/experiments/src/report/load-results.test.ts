import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadResults, parseCellResult } from './load-results';
import { syntheticResults, writeSyntheticResults } from './synthetic-results';

describe('loadResults', () => {
  let dir = '';
  const results = syntheticResults({ seeds: [0, 1] }).slice(0, 6);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-load-'));
    writeSyntheticResults(dir, results);
    const cells = path.join(dir, 'cells');
    // A partly written file (truncated JSON).
    const text = JSON.stringify(results[0]);
    fs.writeFileSync(path.join(cells, 'zz-partial.json'), text.slice(0, text.length / 2));
    // Valid JSON that breaks the contract.
    fs.writeFileSync(path.join(cells, 'zz-bad-loss.json'), JSON.stringify({ ...results[1], cellId: 'zz-bad-loss', config: { ...results[1].config, loss: 'hinge' } }));
    // A wrong file name and a duplicate id.
    fs.writeFileSync(path.join(cells, 'zz-renamed.json'), JSON.stringify({ ...results[2], cellId: 'other-id' }));
    fs.writeFileSync(path.join(cells, 'zz-duplicate.json'), JSON.stringify(results[3]));
    // Not results: a temp file of the atomic writer and a hidden file.
    fs.writeFileSync(path.join(cells, `${results[4].cellId}.json.tmp-1-2`), '{');
    fs.writeFileSync(path.join(cells, '.hidden.json'), '{');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the valid files, NaN (stored as null) restored', () => {
    const { results: got } = loadResults(dir);
    const ids = got.map((r) => r.cellId);
    for (const r of results) assert.ok(ids.includes(r.cellId), r.cellId);
    assert.ok(ids.includes('other-id'));
    assert.equal(got.length, results.length + 1);
    const last = got[0].cases.find((c) => c.caseId === 'case-11');
    assert.ok(last && Number.isNaN(last.dice) && Number.isNaN(last.smoothness));
    assert.equal(got[0].cases.length, results[0].cases.length);
  });
  it('names each broken file in a problem line and skips it, without throwing', () => {
    const { problems, invalidCellIds } = loadResults(dir);
    const partial = problems.find((p) => p.includes('zz-partial.json'));
    assert.match(partial ?? '', /not valid JSON \(broken or partly written file.*skipped/);
    assert.ok(problems.some((p) => p.includes('zz-bad-loss.json') && p.includes('config.loss must be one of') && p.includes('"hinge"')));
    assert.ok(problems.some((p) => p.includes('zz-renamed.json') && p.includes('does not match the file name')));
    assert.ok(problems.some((p) => p.includes('zz-duplicate.json') && p.includes('duplicate cellId')));
    assert.deepEqual(invalidCellIds.sort(), ['zz-bad-loss', 'zz-partial']);
    assert.ok(!problems.some((p) => p.includes('.tmp-') || p.includes('.hidden')));
  });
  it('reports a missing folder as a problem', () => {
    const r = loadResults(path.join(dir, 'nope'));
    assert.equal(r.results.length, 0);
    assert.match(r.problems[0], /cannot read the cells folder \(ENOENT\)/);
  });
});

describe('parseCellResult', () => {
  const good = JSON.parse(JSON.stringify(syntheticResults({ seeds: [0] })[0]));
  it('accepts a result as JSON.stringify wrote it', () => {
    const r = parseCellResult(good, 'x.json');
    assert.deepEqual(r.problems, []);
    assert.ok(r.result);
  });
  it('rejects a case with a missing metric, naming the field', () => {
    const bad = JSON.parse(JSON.stringify(good));
    delete bad.cases[2].dice;
    const r = parseCellResult(bad, 'x.json');
    assert.equal(r.result, undefined);
    assert.ok(r.problems.includes('x.json: cases[2].dice must be a number or null (NaN), got undefined.'));
  });
  it('warns on missing bookkeeping fields but keeps the result', () => {
    const partial = JSON.parse(JSON.stringify(good));
    delete partial.timings;
    delete partial.finishedAt;
    const r = parseCellResult(partial, 'x.json');
    assert.ok(r.result);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0], /^x\.json: timings must be an object, got undefined\.$/);
  });
  it('rejects a wrong schema version and non-objects', () => {
    assert.match(parseCellResult({ ...good, schemaVersion: 2 }, 'x.json').problems[0], /schemaVersion must be 1, got 2/);
    assert.match(parseCellResult([1], 'x.json').problems[0], /must be a JSON object \(a CellResult\), got \[1\]/);
  });
});
