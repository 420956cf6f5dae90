import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readVolumeSync } from '../io/read-volume';
import { sharedForTest } from '@afl/core/testing';
import { paperCropMask } from '../phantom/paper-crop-mask';
import { preprocessBratsCase, preprocessPicaiCase } from './pipelines';

const shared = sharedForTest('data').path;

test('preprocessPicaiCase: paper and authors-code pipelines on the shared ProstateX-0000 study', (t) => {
  if (!shared) return t.skip('shared data not found');
  const img = (s: string) => readVolumeSync(path.join(shared, `picai-images/ProstateX-0000_07-07-2011_${s}.mha`));
  const raw = {
    id: '11373_1001396',
    channels: { t2w: img('t2w'), adc: img('adc'), hbv: img('hbv') },
    label: readVolumeSync(path.join(shared, 'picai-labels/lesion_human_expert_resampled/11373_1001396.nii.gz')),
    organ: readVolumeSync(path.join(shared, 'picai-labels/whole_gland_AI_Bosma22b/11373_1001396.nii.gz')),
  };
  const paper = preprocessPicaiCase(raw, { n4Channels: [] }); // N4 itself is tested in preprocess.test
  assert.deepEqual(paper.shape, [24, 160, 128]);
  assert.deepEqual(paper.channels, ['t2w', 'adc', 'hbv']);
  assert.equal(paper.image.length, 24 * 160 * 128 * 3);
  assert.ok(paper.mask.every((v) => v === 0 || v === 1));
  const fg = paper.mask.reduce((s, v) => s + v, 0);
  assert.equal(fg, 356); // the same count as paperCropMask gives for this case
  assert.ok(paper.image.every((v) => Number.isFinite(v)));
  // a tighter gland margin (the CPU profiles' 16) crops closer: the lesion covers more of the same grid, and the count
  // is the one paperCropMask gives with that margin
  const tight = preprocessPicaiCase(raw, { n4Channels: [], glandMargin: 16 });
  const fgTight = tight.mask.reduce((s, v) => s + v, 0);
  assert.equal(fgTight, paperCropMask(raw.label, raw.organ, { margin: 16 }).reduce((s, v) => s + v, 0));
  assert.ok(fgTight > fg, `${fgTight} vs ${fg}`);
  const authors = preprocessPicaiCase(raw, { pipeline: 'authors-code' });
  assert.deepEqual(authors.shape, [24, 128, 160]);
  assert.ok(authors.mask.some((v) => v === 1));
  // mismatched geometry is rejected (to be skipped by a dataset)
  const bad = { ...raw, label: { ...raw.label, shape: [10, 10, 10], data: new Uint16Array(1000) } };
  assert.throws(() => preprocessPicaiCase(bad, { n4Channels: [] }), /Error in preprocessPicaiCase: the lesion label of case 11373_1001396 does not match the reference grid.*mismatched geometry/);
});

test('preprocessBratsCase: FLAIR + T1c subset, paper 155 x 224 x 224 and authors-code 144 x 224 x 224 crop', (t) => {
  if (!shared) return t.skip('shared data not found');
  const dir = path.join(shared, 'brats/brats2015_deepmedic/brats_2013_pat0004_1');
  const raw = {
    id: 'brats_2013_pat0004_1',
    channels: { flair: readVolumeSync(path.join(dir, 'Flair_subtrMeanDivStd.nii.gz')), t1ce: readVolumeSync(path.join(dir, 'T1c_subtrMeanDivStd.nii.gz')) },
    label: readVolumeSync(path.join(dir, 'OTMultiClass.nii.gz')),
  };
  const a = preprocessBratsCase(raw, { pipeline: 'authors-code', foreground: [1, 2, 3, 4] });
  assert.deepEqual(a.shape, [144, 224, 224]);
  assert.deepEqual(a.channels, ['flair', 't1ce']);
  assert.ok(Math.abs(a.mask.reduce((s, v) => s + v, 0) - 120674) < 120674 * 0.05);
  const tc = preprocessBratsCase(raw, { pipeline: 'authors-code', foreground: [1, 4] });
  assert.ok(tc.mask.reduce((s, v) => s + v, 0) < a.mask.reduce((s, v) => s + v, 0));
  const p = preprocessBratsCase(raw);
  assert.deepEqual(p.shape, [155, 224, 224]);
});
