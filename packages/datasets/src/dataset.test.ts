import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createDataset, splitIds } from './dataset';
import { createPhantomDataset } from './phantom/create-phantom-dataset';
import type { SegmentationCase } from './segmentation-case';

const SMALL = [6, 16, 12];

test('createPhantomDataset: seeded stable splits that partition the cases', () => {
  const a = createPhantomDataset({ cases: 20, seed: 3, shape: SMALL });
  const b = createPhantomDataset({ cases: 20, seed: 3, shape: SMALL });
  const parts = (['train', 'val', 'test'] as const).map((s) => a.split(s).caseIds);
  assert.deepEqual(parts.map((p) => p.length), [14, 3, 3]);
  assert.deepEqual((['train', 'val', 'test'] as const).map((s) => b.split(s).caseIds), parts);
  assert.deepEqual(parts.flat().sort(), [...a.caseIds].sort());
  assert.notDeepEqual(createPhantomDataset({ cases: 20, seed: 4, shape: SMALL }).split('val').caseIds, parts[1]);
  assert.throws(() => a.split('dev' as never), /Error in Dataset.split: name must be 'train', 'val' or 'test', got "dev"/);
});

test('batches 3-D: [B, D, H, W, C] image, [B, D, H, W, 1] binary float32 mask, caseIds; consumer disposes', async () => {
  const ds = createPhantomDataset({ cases: 5, seed: 1, shape: SMALL, split: { val: 0 } });
  const before = tf.memory().numTensors;
  const seen: string[] = [];
  for await (const b of ds.split('train').batches({ batchSize: 2, shuffle: true, seed: 7 })) {
    assert.equal(b.image.shape[0], b.caseIds.length);
    assert.deepEqual(b.image.shape.slice(1), [6, 16, 12, 3]);
    assert.deepEqual(b.mask.shape.slice(1), [6, 16, 12, 1]);
    assert.equal(b.mask.dtype, 'float32');
    const m = await b.mask.data();
    assert.ok(m.every((v) => v === 0 || v === 1));
    if (b.caseIds.length === 1) assert.equal(b.caseId, b.caseIds[0]);
    else assert.equal(b.caseId, undefined);
    seen.push(...b.caseIds);
    tf.dispose([b.image, b.mask]);
  }
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([...seen].sort(), [...ds.caseIds].sort());
  // same seed -> same order and bytes
  const order = async (seed: number): Promise<string[]> => {
    const ids: string[] = [];
    for await (const b of ds.batches({ batchSize: 1, shuffle: true, seed })) {
      ids.push(b.caseId!);
      tf.dispose([b.image, b.mask]);
    }
    return ids;
  };
  assert.deepEqual(await order(7), await order(7));
});

test('batches with augmentation: same seed -> same bytes, mask stays binary', async () => {
  const ds = createPhantomDataset({ cases: 2, seed: 1, shape: SMALL, split: { val: 0 } });
  const run = async (): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for await (const b of ds.batches({ batchSize: 2, seed: 5, augment: true })) {
      out.push((await b.image.data()) as Float32Array, (await b.mask.data()) as Float32Array);
      tf.dispose([b.image, b.mask]);
    }
    return out;
  };
  const [x, y] = [await run(), await run()];
  assert.deepEqual(x, y);
  assert.ok(x[1].every((v) => v === 0 || v === 1));
});

test('batches 2-D: axial slices [B, H, W, C], all or foreground slices', async () => {
  const ds = createPhantomDataset({ cases: 2, seed: 2, shape: SMALL, split: { val: 0 } });
  let rows = 0;
  for await (const b of ds.batches({ mode: '2d', batchSize: 4 })) {
    assert.equal(b.image.rank, 4);
    assert.deepEqual(b.image.shape.slice(1), [16, 12, 3]);
    assert.deepEqual(b.mask.shape.slice(1), [16, 12, 1]);
    assert.equal(b.slices!.length, b.caseIds.length);
    rows += b.caseIds.length;
    tf.dispose([b.image, b.mask]);
  }
  assert.equal(rows, 2 * 6);
  for await (const b of ds.batches({ mode: '2d', batchSize: 1, slices: 'foreground' })) {
    const s = tf.sum(b.mask);
    assert.ok((await s.data())[0] > 0);
    s.dispose();
    tf.dispose([b.image, b.mask]);
  }
});

test('createDataset: a failing case is skipped, reported once and listed', async () => {
  const ok = (id: string): SegmentationCase => ({
    id,
    shape: [1, 2, 2],
    spacing: [1, 1, 1],
    channels: ['a'],
    image: new Float32Array(4),
    mask: new Uint8Array(4),
  });
  const reports: string[] = [];
  const ds = createDataset({
    name: 't',
    channels: ['a'],
    caseIds: ['a', 'b', 'c'],
    loadCase: (id) => {
      if (id === 'b') throw new Error('missing modality adc');
      return ok(id);
    },
    onSkip: (s) => reports.push(`${s.id}: ${s.reason}`),
    log: (l) => reports.push(l),
  });
  for (let epoch = 0; epoch < 2; epoch++) {
    const ids: string[] = [];
    for await (const b of ds.batches({ batchSize: 2 })) {
      ids.push(...b.caseIds);
      tf.dispose([b.image, b.mask]);
    }
    assert.deepEqual(ids, ['a', 'c']);
  }
  assert.deepEqual(reports, ['b: missing modality adc', '[t] 1 case(s) skipped this epoch: b', '[t] 1 case(s) skipped this epoch: b']);
  assert.deepEqual(ds.skipped, [{ id: 'b', reason: 'missing modality adc' }]);
});

test('splitIds: counts and fractions; ill sizes', () => {
  const ids = Array.from({ length: 220 }, (_, i) => `c${i}`);
  const s = splitIds(ids, 0, { val: 40 });
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [180, 40, 0]);
  assert.deepEqual(splitIds([...ids].reverse(), 0, { val: 40 }), s);
  assert.throws(() => splitIds(ids, 0, { val: 200, test: 30 }), /Error in splitIds: val \+ test must fit in 220 cases, got val 200, test 30/);
});
