import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { cellIdOf } from '../config';
import type { CaseResult, CellConfig } from '../results/result-schema';
import { OVERLAY_COLORS, overlayLayout } from '../report/render-overlay';
import { overlayFile } from '../report/table-gallery';
import { overlayLossLabel, writeCaseOverlay } from './case-overlay';

describe('writeCaseOverlay', () => {
  it("draws channel 0, the truth and p > 0.5 on the slices with the most ground truth, into <out>/overlays/<cellId>/<caseId>.png", async () => {
    await tf.setBackend('cpu');
    const [D, H, W, C] = [4, 5, 6, 2];
    const base: Omit<CellConfig, 'tables'> = {
      profile: 'smoke', dataset: 'phantom-picai', model: 'unet', spatialDims: 3, loss: 'afl', protocol: 'paper', seed: 1,
      training: { epochs: 1, learningRate: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0, batchSize: 1, inputShape: [D, H, W], outChannels: 1, augment: false },
    };
    const cell = { ...base, tables: [1 as const], cellId: cellIdOf(base) };
    const n = D * H * W;
    // Channel 0 is 1 everywhere, channel 1 is 0: the grey is uniform when channel 0 is read.
    const image = tf.tensor(Array.from({ length: n * C }, (_, i) => (i % C === 0 ? 1 : 0)), [1, D, H, W, C]);
    const truth = new Float32Array(n);
    truth[(2 * H + 2) * W + 3] = 1; // one voxel on slice 2
    const probs = new Float32Array(n);
    for (let i = 0; i < H * W; i++) probs[i] = 0.9; // slice 0 entirely predicted, but the truth chooses the slice
    probs[(2 * H + 2) * W + 3] = 0.6;
    probs[(2 * H + 0) * W + 0] = 0.4; // below 0.5: not predicted
    const mask = tf.tensor(truth, [1, D, H, W, 1]);
    const probabilities = tf.tensor(probs, [1, D, H, W, 1]);
    const result = { caseId: 'case-1', dice: 0.5 } as CaseResult;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-case-overlay-'));
    const file = await writeCaseOverlay(out, cell, { result, image, mask, probabilities, maskData: truth, probabilityData: probs }, { slices: 1 });
    assert.equal(file, overlayFile(out, cell.cellId, 'case-1'));
    const png = PNG.sync.read(fs.readFileSync(file));
    const layout = overlayLayout([D, H, W], [2], { title: `A-FL  unet  case-1  DICE 0.500` });
    assert.deepEqual([png.width, png.height], [layout.width, layout.height]);
    const p = layout.panels[0];
    const s = layout.scale;
    const at = (x: number, y: number) => [...png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3)];
    assert.deepEqual(at(p.x + 3 * s, p.y + 2 * s), [...OVERLAY_COLORS.both], 'truth and prediction on the same voxel of slice 2');
    assert.deepEqual(at(p.x + 1, p.y + 1), [0, 0, 0], 'p 0.4 is not drawn; a uniform image maps to black');
    tf.dispose([image, mask, probabilities]);
  });

  it('labels losses in the font\'s characters', () => {
    assert.equal(overlayLossLabel({ loss: 'afl' }), 'A-FL');
    assert.equal(overlayLossLabel({ loss: 'focal' }), 'FL');
    assert.equal(overlayLossLabel({ loss: 'afl', ablation: { useAlphaVa: true, useGammaVa: false, useGammaMSa: true } }), 'A-FL (ALPHA_VA+GAMMA_MSA)');
  });
});
