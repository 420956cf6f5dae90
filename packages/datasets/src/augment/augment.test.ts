import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createRng } from '../random';
import { generateProstatePhantom } from '../phantom/prostate-phantom';
import { augmentCase } from './augment-case';
import { applyAffine, drawAffine } from './random-affine';
import { flipAxis, randomFlip } from './random-flip';
import { randomGaussianNoise, randomScaleShift } from './intensity-augment';

test('augmentCase: same seed -> same sample bit for bit; mask binary; input untouched', () => {
  const c = generateProstatePhantom({ seed: 2 });
  const copy = c.image.slice();
  const t0 = performance.now();
  const a = augmentCase(c, 99, { affine: { prob: 1 }, noise: { prob: 1 }, scaleShift: { scaleProb: 1, shiftProb: 1 } });
  const t1 = performance.now();
  const b = augmentCase(c, 99, { affine: { prob: 1 }, noise: { prob: 1 }, scaleShift: { scaleProb: 1, shiftProb: 1 } });
  const t2 = performance.now();
  assert.deepEqual(Buffer.from(a.image.buffer), Buffer.from(b.image.buffer));
  assert.deepEqual(a.mask, b.mask);
  assert.ok(a.mask.every((v) => v === 0 || v === 1));
  assert.deepEqual(c.image, copy);
  assert.notDeepEqual(augmentCase(c, 100).image, a.image);
  // Speed is logged, not asserted (~0.1-0.3 s on 2 idle cores).
  console.log(`[augment] 24x160x128x3: ${Math.min(t1 - t0, t2 - t1).toFixed(0)} ms (best of two)`);
});

test('flipAxis: twice is identity; randomFlip flips image and mask together', () => {
  const shape: [number, number, number] = [2, 3, 4];
  const img = Float32Array.from({ length: 24 * 2 }, (_, i) => i);
  const mask = Uint8Array.from({ length: 24 }, (_, i) => i % 2);
  for (const axis of [0, 1, 2]) {
    const x = img.slice();
    flipAxis(x, shape, 2, axis);
    assert.notDeepEqual(x, img);
    flipAxis(x, shape, 2, axis);
    assert.deepEqual(x, img);
  }
  const s = { shape, channels: 2, image: img.slice(), mask: mask.slice() };
  const flipped = randomFlip(s, createRng(1), { prob: 1, axes: [2] });
  assert.deepEqual(flipped, [2]);
  // (d, h, w = 0) channel 0 now holds the old w = 3
  assert.equal(s.image[0], img[3 * 2]);
  assert.equal(s.mask[0], mask[3]);
  assert.throws(() => randomFlip(s, createRng(1), { axes: [3] }), /Error in randomFlip: axes must be 0, 1 or 2, got 3/);
});

test('applyAffine: identity draw keeps the sample; pure integer translation shifts it', () => {
  const shape: [number, number, number] = [4, 6, 8];
  const n = 4 * 6 * 8;
  const img = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const mask = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
  const id = { angles: [0, 0, 0], scales: [1, 1, 1], translate: [0, 0, 0], matrix: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
  const same = applyAffine({ shape, channels: 1, image: img, mask }, id);
  assert.deepEqual(same.image, img);
  assert.deepEqual(same.mask, mask);
  const moved = applyAffine({ shape, channels: 1, image: img, mask }, { ...id, translate: [0, 0, 2] }, 'zeros');
  assert.equal(moved.image[5], img[3]);
  assert.equal(moved.image[0], 0);
  assert.equal(moved.mask[7 + 8], mask[5 + 8]);
  const d = drawAffine(createRng(3));
  assert.equal(d.angles[1], 0);
  assert.ok(Math.abs(d.angles[0]) <= Math.PI / 12 && Math.abs(d.translate[1]) <= 10);
});

test('intensity augmentations: probability 0 is a no-op; ranges', () => {
  const s = { shape: [1, 1, 4] as [number, number, number], channels: 1, image: Float32Array.of(1, 2, 3, 4), mask: new Uint8Array(4) };
  assert.equal(randomGaussianNoise(s, createRng(1), { prob: 0 }), false);
  assert.deepEqual(randomScaleShift(s, createRng(1), { scaleProb: 0, shiftProb: 0 }), {});
  assert.deepEqual(s.image, Float32Array.of(1, 2, 3, 4));
  const r = randomScaleShift(s, createRng(2), { scaleProb: 1, shiftProb: 1 });
  assert.ok(Math.abs(r.scale! - 1) <= 0.1 && Math.abs(r.shift!) <= 0.1);
  assert.ok(Math.abs(s.image[0] - (1 * r.scale! + r.shift!)) < 1e-6);
});
