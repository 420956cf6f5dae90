import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedForTest } from '@afl/core/testing';
import type { CellResult } from './results/result-schema';

const CLI = path.join(__dirname, 'cli.js');

function afl(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, AFL_BACKEND: process.env.AFL_BACKEND ?? 'wasm', ...env } });
}

describe('afl CLI', () => {
  it('runs the smoke grid end to end: every cell once, every table and the figure, and skips finished cells', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-smoke-'));
    const first = afl(['grid', '--profile', 'smoke', '--out', out]);
    assert.equal(first.status, 0, first.stderr.slice(-3000));
    const files = fs.readdirSync(path.join(out, 'cells')).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 26);
    const results = files.map((f) => JSON.parse(fs.readFileSync(path.join(out, 'cells', f), 'utf8')) as CellResult);
    assert.deepEqual(new Set(results.map((r) => r.config.model)), new Set(['resnet50-unet', 'unet', 'attention-unet', 'regunet', 'r2unet']));
    assert.equal(new Set(results.map((r) => r.config.loss)).size, 8);
    for (const r of results) {
      assert.equal(r.curve.length, 2);
      assert.equal(r.cases.filter((c) => c.split === 'val').length, 3);
      assert.equal(r.cases.filter((c) => c.split === 'test').length, 2);
    }
    const report = fs.readFileSync(path.join(out, 'report', 'report.md'), 'utf8');
    for (const t of ['Table 1', 'Table 2', 'Table 3', 'Table 4', 'Table 5', 'Figure 3']) assert.ok(report.includes(t), `report lacks ${t}`);
    assert.match(report, /missing: 0/);
    for (const f of ['table1.csv', 'table5.csv', 'figure3.svg', 'figure3.html']) assert.ok(fs.existsSync(path.join(out, 'report', f)), f);
    assert.match(first.stderr, /26 cells run, 0 already done, 0 failed, 26 in the grid/);
    const second = afl(['grid', '--profile', 'smoke', '--out', out, '--tables', '1']);
    assert.equal(second.status, 0, second.stderr.slice(-2000));
    assert.match(second.stderr, /0 cells run, 2 already done/);
    const rep = afl(['report', '--out', out]);
    assert.equal(rep.status, 0);
    assert.match(rep.stdout, /Table 4/);

    // The same cells in 2 worker processes give the same numbers as the in-process run, at the same native thread
    // count (OpenBLAS's products change in their last bits with it).
    const parallel = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-workers-'));
    const threads = String(Math.min(8, os.availableParallelism()));
    const w = afl(['grid', '--profile', 'smoke', '--out', parallel, '--workers', '2', '--only', '0,1,16'], { AFL_THREADS: threads });
    assert.equal(w.status, 0, w.stderr.slice(-3000));
    assert.match(w.stderr, /3 of 26 cells pending; running them in 2 worker process\(es\)/);
    assert.ok(w.stderr.includes(`(in each of 2 worker(s), AFL_THREADS=${threads})`), w.stderr.slice(0, 2000));
    assert.match(w.stderr, /\[3\/3, [\d.]+ min\] \S+ done in/);
    assert.match(w.stderr, /3 cells run, 0 already done, 0 failed, 26 in the grid/);
    const inProcess = new Map(results.map((r) => [r.cellId, r]));
    const workerFiles = fs.readdirSync(path.join(parallel, 'cells')).filter((f) => f.endsWith('.json'));
    assert.equal(workerFiles.length, 3);
    for (const f of workerFiles) {
      const r = JSON.parse(fs.readFileSync(path.join(parallel, 'cells', f), 'utf8')) as CellResult;
      const ref = inProcess.get(r.cellId);
      assert.ok(ref, r.cellId);
      const numbers = (x: CellResult) => x.curve.map((e) => [e.trainLoss, e.valDice]);
      assert.deepEqual(numbers(r), numbers(ref), `${r.cellId}: per-epoch loss and Dice`);
      assert.deepEqual(r.cases.map((c) => c.dice), ref.cases.map((c) => c.dice), `${r.cellId}: case Dice`);
    }
  });

  const labels = sharedForTest('data', 'picai-labels');
  it('trains PI-CAI cells on the real shared lesion masks with --picai-labels (picai-masks)', { skip: labels.skip }, () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-masks-'));
    const r = afl(['grid', '--profile', 'smoke', '--out', out, '--tables', '1', '--only', '0,1', '--picai-labels', labels.path as string]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const files = fs.readdirSync(path.join(out, 'cells')).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 2);
    for (const f of files) {
      const result = JSON.parse(fs.readFileSync(path.join(out, 'cells', f), 'utf8')) as CellResult;
      assert.equal(result.config.dataset, 'picai-masks');
      assert.ok(f.startsWith('picai-masks-'), f);
      // smoke: 4 train, 3 val, 2 test of the masks, named by their PI-CAI case ids
      assert.equal(result.cases.length, 5);
      for (const c of result.cases) assert.match(c.caseId, /^\d+_\d+$/);
      assert.ok(result.picai, 'PI-CAI lesion-level metrics');
    }
    const list = JSON.parse(fs.readFileSync(path.join(out, 'cells.json'), 'utf8')) as Array<{ dataset: string }>;
    assert.ok(list.every((c) => c.dataset === 'picai-masks'));
    const report = fs.readFileSync(path.join(out, 'report', 'report.md'), 'utf8');
    assert.match(report, /Table 1/);
  });

  it('answers bad arguments with one line and exit code 2', () => {
    for (const [args, message] of [
      [['grid'], /--profile is required/],
      [['grid', '--profile', 'huge'], /--profile must be one of smoke, quick, standard, paper, got "huge"/],
      [['grid', '--profile', 'quick', '--tables', '7'], /--tables takes a comma-separated list/],
      [['grid', '--profile', 'paper'], /needs --picai DIR and\/or --brats DIR/],
      [['grid', '--profile', 'smoke', '--workers', '0'], /--workers must be an integer >= 1, got "0"/],
      [['grid', '--profile', 'smoke', '--workers', '2', '--only', '99', '--out', os.tmpdir()], /--only 99: the grid's cells are 0\.\.25/],
      [['grid', '--profile', 'paper', '--picai', '/no/such/dir'], /--picai \/no\/such\/dir: no such folder/],
      [['train', '--model', 'vnet', '--loss', 'afl'], /--model must be one of/],
      [['report', '--out', '/no/such/results'], /has no cells\/ folder/],
      [['frobnicate'], /unknown command "frobnicate"; commands: grid, run-cell, doctor, report, train, eval, predict \(afl --help\)/],
      [['train'], /^afl train: --model and --loss are required/],
    ] as Array<[string[], RegExp]>) {
      const r = afl(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /^afl: afl /, 'one prefix');
      assert.equal(r.stderr.trim().split('\n').length, 1, `more than one line for ${args.join(' ')}: ${r.stderr}`);
    }
    const help = afl(['grid', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: afl grid/);
  });
});
