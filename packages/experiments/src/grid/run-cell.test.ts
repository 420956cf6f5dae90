import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { CellResult } from '../results/result-schema';
import { toyDataset, toyModel } from '../testing/toy';
import { cellIdOf, gridCells, PROFILES } from '../config';
import { levelStrides } from './model-options';
import { Cell, resultPath, runCell } from './run-cell';

function toyCell(loss: 'afl' | 'focal', outChannels: 1 | 2 = 1): Cell {
  const base = {
    profile: 'smoke' as const,
    dataset: 'phantom-picai' as const,
    model: 'unet' as const,
    spatialDims: 2 as const,
    loss,
    protocol: 'paper' as const,
    seed: 1,
    training: { epochs: 2, learningRate: 0.05, momentum: 0.9, nesterov: false, weightDecay: 1e-4, batchSize: 1, inputShape: [16, 16], outChannels, augment: false },
  };
  return { ...base, tables: [1], cellId: cellIdOf(base) };
}

describe('runCell', () => {
  it('trains, scores the validation and test cases, writes one result file, and skips it the second time', async () => {
    await tf.setBackend('cpu');
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-cell-'));
    for (const [loss, channels] of [['afl', 1], ['focal', 2], ['afl', 2]] as const) {
      const cell = toyCell(loss, channels);
      const env = {
        outDir,
        data: async () => ({ dataset: toyDataset(), inChannels: 1, hasTest: true, spacing: [0.5, 0.5] }),
        model: (_: Cell, inChannels: number) => {
          assert.equal(inChannels, 1);
          return toyModel(1, 16, channels);
        },
      };
      const before = tf.memory().numTensors;
      const r = (await runCell(cell, env)) as CellResult;
      assert.equal(tf.memory().numTensors, before, 'tensor leak');
      assert.equal(r.cases.length, 4);
      assert.deepEqual(r.cases.map((c) => c.split), ['val', 'val', 'test', 'test']);
      assert.equal(r.curve.length, 2);
      for (const c of r.cases) {
        assert.ok(c.dice >= 0 && c.dice <= 1 && c.soft.dice > 0 && c.lesionVolume > 0 && c.smoothness > 0 && c.smoothness <= 1, JSON.stringify(c));
        assert.ok(c.gammaVa > 0 && c.gammaMSa > 0);
      }
      const onDisk = JSON.parse(fs.readFileSync(resultPath(outDir, cell.cellId), 'utf8')) as CellResult;
      assert.equal(onDisk.cellId, cell.cellId);
      assert.equal(onDisk.config.loss, loss);
      assert.equal(await runCell(cell, env), null);
    }
  });
});

describe('gridCells', () => {
  it('lists the deduplicated cells of every table (26 per seed) and the tables each feeds', () => {
    const cells = gridCells({ profile: 'smoke' });
    assert.equal(cells.length, 26);
    assert.equal(new Set(cells.map((c) => c.cellId)).size, 26);
    const fl = cells.find((c) => c.dataset === 'phantom-picai' && c.model === 'resnet50-unet' && c.loss === 'focal');
    assert.deepEqual(fl?.tables.map(String).sort(), ['1', '4', '5', 'figure3']);
    const afl = cells.find((c) => c.dataset === 'phantom-picai' && c.model === 'resnet50-unet' && c.loss === 'afl' && !c.ablation);
    assert.deepEqual(afl?.tables.map(String).sort(), ['1', '3', '4', '5', 'figure3']);
    assert.equal(gridCells({ profile: 'smoke', seeds: 3 }).length, 78);
    assert.equal(gridCells({ profile: 'smoke', tables: [1] }).length, 2);
    assert.equal(gridCells({ profile: 'quick', tables: [5] }).length, 12);
    assert.throws(() => gridCells({ profile: 'huge' as 'quick' }), /unknown profile "huge", valid: smoke, quick, standard, paper/);
  });

  it('puts the PI-CAI cells on picai-masks with picaiLabels, and records the profile\'s convergence rule and prior', () => {
    const masks = gridCells({ profile: 'standard', picaiLabels: true });
    assert.equal(masks.length, 78);
    assert.equal(masks.filter((c) => c.dataset === 'picai-masks').length, 3 * 20);
    assert.equal(masks.filter((c) => c.dataset === 'phantom-brats').length, 3 * 6);
    const plain = gridCells({ profile: 'standard' });
    assert.equal(plain.filter((c) => c.dataset === 'phantom-picai').length, 60);
    assert.ok(masks.every((c) => !plain.some((p) => p.cellId === c.cellId && p.dataset === 'phantom-picai')), 'dataset is part of the cell id');
    const quick = gridCells({ profile: 'quick' })[0];
    assert.equal(quick.training.outputPrior, 0.01);
    assert.deepEqual(quick.training.convergence, PROFILES.quick.convergence);
    assert.equal(gridCells({ profile: 'smoke' })[0].training.convergence, undefined);
  });

  it('halves each axis only while it stays divisible', () => {
    assert.deepEqual(levelStrides([8, 32, 32], 3, 2), [[2, 2, 2], [2, 2, 2], [1, 2, 2]]);
    assert.deepEqual(levelStrides(PROFILES.paper.picai.inputShape, 4, 2), [[2, 2, 2], [2, 2, 2], [2, 2, 2], [1, 2, 2]]);
  });
});
