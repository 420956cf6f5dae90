import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { sharedForTest } from '@afl/core/testing';
import { createPicaiMasksDataset } from '@afl/datasets';
import { gridCells, PROFILES } from '../config';
import { createCellData } from './cell-data';

const SHARED = sharedForTest('data').path; // throws under CI when absent

describe('createCellData', () => {
  it('simulates picai-masks cells with the profile\'s PI-CAI lesion contrast and its case counts', { skip: SHARED ? false : 'the shared test data is absent' }, async () => {
    const profile = PROFILES.standard;
    const cell = gridCells({ profile: 'standard', picaiLabels: true }).find((c) => c.dataset === 'picai-masks' && c.loss === 'focal');
    assert.ok(cell);
    const root = path.join(SHARED!, 'picai-labels');
    const data = await createCellData(cell, profile, { picaiLabels: root });
    const [lo, hi] = profile.picai.phantom!.lesionContrast!;
    assert.ok(lo >= 1 && hi > lo, `the CPU profiles' range is [${lo}, ${hi}]`);
    const direct = (lesionContrast?: readonly [number, number]) =>
      createPicaiMasksDataset({ root, shape: profile.picai.inputShape, seed: 2022, margin: profile.picai.glandMargin, ...(lesionContrast ? { lesionContrast } : {}) });
    let cases = 0;
    for (const split of ['train', 'val', 'test'] as const) {
      for await (const b of data.dataset.split(split).batches({ batchSize: 1, shuffle: false, seed: 0, augment: false })) {
        assert.deepEqual(b.image.shape, [1, ...profile.picai.inputShape, 3]);
        if (cases === 0) {
          const id = b.caseIds[0];
          const image = b.image.dataSync();
          const same = await direct([lo, hi]).getCase(id);
          assert.deepEqual(Array.from(image), Array.from(same.image), `case ${id} is simulated with lesionContrast [${lo}, ${hi}]`);
          const drawn = (same.meta as { contrast: number }).contrast;
          assert.ok(drawn >= lo && drawn <= hi, `drawn contrast ${drawn}`);
          const byDefault = await direct().getCase(id);
          assert.notDeepEqual(Array.from(image), Array.from(byDefault.image));
        }
        b.image.dispose();
        b.mask.dispose();
        cases++;
      }
    }
    assert.equal(cases, profile.picai.cases.train + profile.picai.cases.val + profile.picai.cases.test);
    assert.equal(data.hasTest, true);
  });
});
