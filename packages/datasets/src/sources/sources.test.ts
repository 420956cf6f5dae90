import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { sharedForTest } from '@afl/core/testing';
import { writeNiftiSync } from '../io/write-nifti';
import { createPicaiDataset, scanNnunetRaw } from './picai';
import { createBratsDataset, scanMsdTask01 } from './brats';
import { parseCsv } from './parse-csv';
import { stratifiedSplit } from './stratified-split';

const shared = sharedForTest('data').path;
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'afl-sources-'));

test('parseCsv: quoted fields with commas', () => {
  const rows = parseCsv('a,b,c\n1,"2,3","x ""y"""\r\n4,5,6\n');
  assert.deepEqual(rows, [{ a: '1', b: '2,3', c: 'x "y"' }, { a: '4', b: '5', c: '6' }]);
});

test('stratifiedSplit: exact sizes, per-stratum shares, seeded', () => {
  const ids = Array.from({ length: 220 }, (_, i) => `c${i}`);
  const stratum = (id: string): string => `isup${2 + (Number(id.slice(1)) % 4)}`;
  const s = stratifiedSplit(ids, stratum, 1, { val: 40 });
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [180, 40, 0]);
  for (const k of ['isup2', 'isup3', 'isup4', 'isup5']) assert.equal(s.val.filter((id) => stratum(id) === k).length, 10);
  assert.deepEqual(stratifiedSplit(ids, stratum, 1, { val: 40 }), s);
  assert.notDeepEqual(stratifiedSplit(ids, stratum, 2, { val: 40 }).val, s.val);
});

test('PI-CAI public layout in a temp dir: one complete case, the rest skipped and listed; split JSON and disk cache reused', async (t) => {
  if (!shared) return t.skip('shared data not found');
  const root = tmp();
  const pid = '11373';
  const id = '11373_1001396';
  fs.mkdirSync(path.join(root, 'images/fold0', pid), { recursive: true });
  for (const s of ['t2w', 'adc', 'hbv']) {
    fs.symlinkSync(path.join(shared, `picai-images/ProstateX-0000_07-07-2011_${s}.mha`), path.join(root, 'images/fold0', pid, `${id}_${s}.mha`));
  }
  const labels = path.join(root, 'picai_labels');
  fs.mkdirSync(path.join(labels, 'csPCa_lesion_delineations/human_expert'), { recursive: true });
  fs.mkdirSync(path.join(labels, 'anatomical_delineations/whole_gland/AI'), { recursive: true });
  fs.mkdirSync(path.join(labels, 'clinical_information'), { recursive: true });
  fs.symlinkSync(path.join(shared, 'picai-labels/lesion_human_expert_resampled'), path.join(labels, 'csPCa_lesion_delineations/human_expert/resampled'));
  fs.symlinkSync(path.join(shared, 'picai-labels/whole_gland_AI_Bosma22b'), path.join(labels, 'anatomical_delineations/whole_gland/AI/Bosma22b'));
  fs.copyFileSync(path.join(shared, 'picai-labels/marksheet_subset.csv'), path.join(labels, 'clinical_information/marksheet.csv'));
  const lines: string[] = [];
  const opts = {
    layout: { imagesDir: path.join(root, 'images'), labelsDir: labels },
    cacheDir: path.join(root, 'cache'),
    n4Channels: [] as string[], // N4 is tested in preprocess.test; keep this test fast
    log: (l: string) => lines.push(l),
  };
  const ds = createPicaiDataset(opts);
  assert.ok(ds.size >= 60, `positives: ${ds.size}`);
  assert.deepEqual([ds.split('train').size, ds.split('val').size], [ds.size - Math.round(ds.size * 0.2), Math.round(ds.size * 0.2)]);
  const seen: string[] = [];
  for await (const b of ds.batches({ batchSize: 1 })) {
    assert.deepEqual(b.image.shape, [1, 24, 160, 128, 3]);
    seen.push(b.caseId!);
    tf.dispose([b.image, b.mask]);
  }
  assert.deepEqual(seen, [id]);
  assert.equal(ds.skipped.length, ds.size - 1);
  assert.match(ds.skipped[0].reason, /missing file\(s\): .*_t2w\.mha/);
  assert.ok(lines.some((l) => l.includes(`preprocessed ${id}`)));
  assert.match(lines[lines.length - 1], new RegExp(`\\[picai\\] ${ds.size - 1} case\\(s\\) skipped this epoch: `));
  // a second instance reuses the split file and the disk cache
  const lines2: string[] = [];
  const again = createPicaiDataset({ ...opts, log: (l: string) => lines2.push(l) });
  assert.deepEqual(again.split('val').caseIds, ds.split('val').caseIds);
  const c = await again.getCase(id);
  assert.deepEqual(c.shape, [24, 160, 128]);
  assert.ok(!lines2.some((l) => l.includes('preprocessed')));
  assert.ok(fs.readdirSync(path.join(root, 'cache')).some((f) => f.startsWith('picai-split-seed0')));
  // `root` shorthand (picai_labels/ beside the image folders) and a smaller output shape
  const small = createPicaiDataset({ root, shape: [8, 32, 32], cacheDir: path.join(root, 'cache'), n4Channels: [], log: () => {} });
  assert.equal(small.size, ds.size);
  assert.deepEqual((await small.getCase(id)).shape, [8, 32, 32]);
  fs.rmSync(root, { recursive: true, force: true });
});

test('BraTS 2018 layout from the shared BraTS 2015 cases: FLAIR + T1c subset; a case missing T1c is skipped', async (t) => {
  if (!shared) return t.skip('shared data not found');
  const root = tmp();
  const src = path.join(shared, 'brats/brats2015_deepmedic');
  const make = (pat: string, files: Record<string, string>): void => {
    const id = `Brats18_TEST_${pat}`;
    fs.mkdirSync(path.join(root, 'HGG', id), { recursive: true });
    for (const [m, f] of Object.entries(files)) fs.symlinkSync(path.join(src, `brats_2013_${pat}`, f), path.join(root, 'HGG', id, `${id}_${m}.nii.gz`));
  };
  make('pat0004_1', { flair: 'Flair_subtrMeanDivStd.nii.gz', t1ce: 'T1c_subtrMeanDivStd.nii.gz', seg: 'OTMultiClass.nii.gz' });
  make('pat0006_1', { flair: 'Flair_subtrMeanDivStd.nii.gz', seg: 'OTMultiClass.nii.gz' });
  const lines: string[] = [];
  const ds = createBratsDataset({ dir: root, modalities: ['flair', 't1ce'], pipeline: 'authors-code', split: { val: 0 }, cacheDir: false, splitFile: path.join(root, 'split.json'), log: (l) => lines.push(l) });
  assert.deepEqual(ds.channels, ['flair', 't1ce']);
  const ids: string[] = [];
  for await (const b of ds.split('train').batches({ batchSize: 1 })) {
    assert.deepEqual(b.image.shape, [1, 144, 224, 224, 2]);
    ids.push(b.caseId!);
    tf.dispose([b.image, b.mask]);
  }
  assert.deepEqual(ids, ['Brats18_TEST_pat0004_1']);
  assert.deepEqual(ds.skipped.map((s) => s.id), ['Brats18_TEST_pat0006_1']);
  assert.match(ds.skipped[0].reason, /missing file\(s\): .*_t1ce\.nii\.gz/);
  const small = createBratsDataset({ root, modalities: ['flair', 't1ce'], shape: [16, 32, 32], split: { val: 0 }, cacheDir: false, splitFile: path.join(root, 'split2.json'), log: () => {} });
  assert.deepEqual((await small.getCase('Brats18_TEST_pat0004_1')).shape, [16, 32, 32]);
  assert.throws(() => createBratsDataset({ dir: root, modalities: ['dwi' as never] }), /Error in createBratsDataset: modalities must be among t1, t1ce, t2, flair, got "dwi"/);
  fs.rmSync(root, { recursive: true, force: true });
});

test('MSD Task01 and nnU-Net raw scanners: 4-D channels by index, _000k channels', async () => {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'imagesTr'));
  fs.mkdirSync(path.join(root, 'labelsTr'));
  const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const img = Float32Array.from({ length: 4 * 4 * 2 * 4 }, (_, i) => Math.floor(i / 32)); // volume k holds k
  writeNiftiSync(path.join(root, 'imagesTr/BRATS_001.nii.gz'), { data: img, shape: [4, 4, 2, 4], affine: eye });
  writeNiftiSync(path.join(root, 'labelsTr/BRATS_001.nii.gz'), { data: new Uint8Array(32).fill(3), shape: [4, 4, 2], affine: eye });
  const msd = scanMsdTask01(root, ['t2', 'flair']);
  assert.deepEqual(msd[0].channels, { t2: { file: path.join(root, 'imagesTr/BRATS_001.nii.gz'), index: 3 }, flair: { file: path.join(root, 'imagesTr/BRATS_001.nii.gz'), index: 0 } });
  const ds = createBratsDataset({ dir: root, layout: 'msd', modalities: ['t2', 'flair'], pipeline: 'authors-code', split: { val: 0 }, cacheDir: false, splitFile: path.join(root, 's.json'), log: () => {} });
  const lines: string[] = [];
  const prepared = createBratsDataset({ dir: root, modalities: ['t2', 'flair'], pipeline: 'authors-code', split: { val: 0 }, cacheDir: path.join(root, 'cache'), splitFile: path.join(root, 's.json'), log: (l) => lines.push(l) });
  assert.deepEqual(await prepared.prepare(), []);
  assert.deepEqual(lines.slice(0, 1), ['[brats-msd] preparing 1/1 BRATS_001']);
  assert.match(lines[1], /^\[brats-msd\] preprocessed BRATS_001 /);
  const c = await ds.getCase('BRATS_001');
  assert.deepEqual(c.channels, ['t2', 'flair']);
  assert.equal(c.mask.reduce((s, v) => s + v, 0), 32); // label 3 is in WT {1, 2, 3}
  const nn = path.join(root, 'nnunet');
  fs.mkdirSync(path.join(nn, 'imagesTr'), { recursive: true });
  for (const k of ['0000', '0001']) fs.writeFileSync(path.join(nn, 'imagesTr', `10001_1000001_${k}.nii.gz`), '');
  const cases = scanNnunetRaw(nn);
  assert.equal(cases.length, 1);
  assert.equal(cases[0].id, '10001_1000001');
  assert.equal(cases[0].missing!.length, 2); // _0002 and the label
  fs.rmSync(root, { recursive: true, force: true });
});
