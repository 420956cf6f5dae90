// One smoke-grid cell trained and scored by the `afl` CLI on webgpu and on cpu: same validation Dice within a stated
// tolerance, and the webgpu process exits by itself. Skipped when webgpu is unavailable; fails with AFL_REQUIRE_WEBGPU=1.
import { after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { releaseBackend } from '@afl/backend';
import { describeWebgpuVsCpu } from '@afl/backend/dist/testing/webgpu';
import type { CellResult } from './results/result-schema';

const CLI = path.join(__dirname, 'cli.js');

/** The smoke cell run on both backends: index 11 of the smoke grid, phantom PI-CAI, 3-D U-Net, A-FL (8 steps). */
const CELL_INDEX = 11;
const CELL_PATTERN = /^phantom-picai-unet-afl-paper-s1-/;

/**
 * Tolerances of webgpu against cpu on that cell: validation Dice (per epoch and per case) as an absolute difference,
 * the training loss per epoch relative to cpu's.
 */
export const WEBGPU_CELL_TOLERANCE = { dice: 0.01, trainLoss: 1e-3 } as const;

function runCell(backend: 'cpu' | 'webgpu'): CellResult {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `afl-webgpu-cell-${backend}-`));
  const r = spawnSync(process.execPath, [CLI, 'grid', '--profile', 'smoke', '--only', String(CELL_INDEX), '--backend', backend, '--out', out], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.signal, null, `afl grid on ${backend} did not exit by itself within 300 s (killed by ${r.signal})`);
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  const files = fs.readdirSync(path.join(out, 'cells')).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'cells', files[0]), 'utf8')) as CellResult;
  fs.rmSync(out, { recursive: true, force: true });
  return result;
}

after(async () => {
  await releaseBackend();
});

describeWebgpuVsCpu('a smoke grid cell through the afl CLI', (test) => {
  test(`3-D U-Net with A-FL: validation Dice within ${WEBGPU_CELL_TOLERANCE.dice}, training loss within ${WEBGPU_CELL_TOLERANCE.trainLoss} relative; the process exits`, async () => {
    const cpu = runCell('cpu');
    const gpu = runCell('webgpu');
    assert.match(gpu.cellId, CELL_PATTERN);
    assert.equal(gpu.cellId, cpu.cellId);
    assert.match(gpu.backend, /^webgpu/);
    assert.equal(gpu.bestEpoch, cpu.bestEpoch);
    assert.equal(gpu.curve.length, cpu.curve.length);
    let dice = 0;
    let loss = 0;
    gpu.curve.forEach((e, i) => {
      dice = Math.max(dice, Math.abs(e.valDice - cpu.curve[i].valDice));
      loss = Math.max(loss, Math.abs(e.trainLoss - cpu.curve[i].trainLoss) / Math.abs(cpu.curve[i].trainLoss));
    });
    assert.deepEqual(gpu.cases.map((c) => c.caseId), cpu.cases.map((c) => c.caseId));
    gpu.cases.forEach((c, i) => {
      const ref = cpu.cases[i].dice;
      if (Number.isNaN(ref)) assert.ok(Number.isNaN(c.dice), `case ${c.caseId}: Dice ${c.dice} on webgpu, NaN on cpu`);
      else dice = Math.max(dice, Math.abs(c.dice - ref));
    });
    console.log(`# smoke cell ${gpu.cellId}: webgpu vs cpu, largest |Δ Dice| ${dice}, largest relative Δ training loss ${loss}`);
    assert.ok(dice <= WEBGPU_CELL_TOLERANCE.dice, `validation Dice differs by ${dice}`);
    assert.ok(loss <= WEBGPU_CELL_TOLERANCE.trainLoss, `training loss differs by ${loss} (relative)`);
  });
});
