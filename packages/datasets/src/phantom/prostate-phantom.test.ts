import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateProstatePhantom } from './prostate-phantom';
import { generateBrainPhantom } from './brain-phantom';

const sha = (a: ArrayBufferView): string => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

function channelMean(image: Float32Array, mask: Uint8Array, C: number, c: number, want: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === want) {
      s += image[i * C + c];
      n++;
    }
  }
  return s / n;
}

test('generateProstatePhantom: paper size, same seed -> identical bytes', () => {
  generateProstatePhantom({ seed: 0, shape: [4, 8, 8] }); // warm-up (JIT, normal table)
  const times: number[] = [];
  const timed = (): ReturnType<typeof generateProstatePhantom> => {
    const t0 = performance.now();
    const c = generateProstatePhantom({ seed: 11 });
    times.push(performance.now() - t0);
    return c;
  };
  const a = timed();
  const b = timed();
  // Speed is not asserted here (a loaded machine would fail it); ~0.1-0.2 s on 2 idle cores.
  console.log(`[phantom] generation at the paper size: ${Math.min(...times).toFixed(0)} ms (best of two)`);
  assert.deepEqual(a.shape, [24, 160, 128]);
  assert.deepEqual(a.channels, ['t2w', 'adc', 'hbv']);
  assert.equal(a.image.length, 24 * 160 * 128 * 3);
  assert.equal(sha(a.image), sha(b.image));
  assert.equal(sha(a.mask), sha(b.mask));
  assert.notEqual(sha(generateProstatePhantom({ seed: 12 }).image), sha(a.image));
  assert.ok(a.mask.some((v) => v === 1));
  assert.ok(a.image.every((v) => Number.isFinite(v) && v >= 0));
});

test('generateProstatePhantom: lesion dark on T2W and ADC, bright on HBV, inside the gland', () => {
  for (const seed of [1, 2, 3]) {
    const c = generateProstatePhantom({ seed, noise: 0.01 });
    // compare lesion with the rest of the gland
    const gland = new Uint8Array(c.mask.length);
    for (let i = 0; i < gland.length; i++) gland[i] = c.mask[i] ? 2 : c.organ![i] ? 1 : 0;
    const les = [0, 1, 2].map((ch) => channelMean(c.image, gland, 3, ch, 2));
    const rest = [0, 1, 2].map((ch) => channelMean(c.image, gland, 3, ch, 1));
    assert.ok(les[0] < rest[0], `t2w lesion ${les[0]} vs gland ${rest[0]}`);
    assert.ok(les[1] < rest[1], `adc lesion ${les[1]} vs gland ${rest[1]}`);
    assert.ok(les[2] > rest[2], `hbv lesion ${les[2]} vs gland ${rest[2]}`);
  }
});

test('generateProstatePhantom: any size, explicit lesion size and irregularity', () => {
  const small = generateProstatePhantom({ seed: 3, shape: [8, 32, 24] });
  assert.deepEqual(small.shape, [8, 32, 24]);
  assert.equal(small.mask.length, 8 * 32 * 24);
  const base = { elongation: [1, 1, 1] as [number, number, number], maxDegree: 6 };
  const smooth = generateProstatePhantom({ seed: 5, lesions: [{ ...base, volumeMm3: 3000, irregularity: 0 }], noise: 0 });
  const rough = generateProstatePhantom({ seed: 5, lesions: [{ ...base, volumeMm3: 3000, irregularity: 0.6 }], noise: 0 });
  const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);
  // 3000 mm^3 at ~0.956 mm^3 per voxel
  assert.ok(Math.abs(count(smooth.mask) * (57.6 / 24) * (85 / 160) * (96 / 128) - 3000) < 300, `volume ${count(smooth.mask)}`);
  assert.notEqual(sha(smooth.mask), sha(rough.mask));
  const tiny = generateProstatePhantom({ seed: 5, lesions: [{ ...base, volumeMm3: 0.01, irregularity: 0 }] });
  assert.equal(count(tiny.mask), 1); // never an empty lesion mask
  assert.throws(() => generateProstatePhantom({ seed: 1, shape: [0, 2, 2] }), /Error in generateProstatePhantom: shape must be 3 positive integers/);
});

test('generateBrainPhantom: nested labels 1/2/4, whole tumour mask, deterministic', () => {
  const a = generateBrainPhantom({ seed: 4, shape: [32, 48, 48] });
  const b = generateBrainPhantom({ seed: 4, shape: [32, 48, 48] });
  assert.equal(sha(a.image), sha(b.image));
  assert.deepEqual(a.channels, ['t1', 't1ce', 't2', 'flair']);
  const labels = new Set(a.labels);
  for (const l of labels) assert.ok([0, 1, 2, 4].includes(l));
  assert.ok(labels.has(2) && labels.has(4));
  for (let i = 0; i < a.mask.length; i++) assert.equal(a.mask[i], a.labels![i] ? 1 : 0);
  // oedema bright on FLAIR vs normal brain, enhancing bright on T1ce
  const region = new Uint8Array(a.mask.length);
  for (let i = 0; i < region.length; i++) region[i] = a.labels![i] === 2 ? 2 : a.labels![i] === 4 ? 4 : a.organ![i] ? 1 : 0;
  assert.ok(channelMean(a.image, region, 4, 3, 2) > channelMean(a.image, region, 4, 3, 1));
  assert.ok(channelMean(a.image, region, 4, 1, 4) > channelMean(a.image, region, 4, 1, 1));
});

test('generateProstatePhantom: lesionContrast sets the lesion-to-gland difference, fovMm the spacing', () => {
  const at = (contrast: [number, number]) => generateProstatePhantom({ seed: 4, shape: [12, 48, 48], lesionContrast: contrast, noise: 0, bias: 0 });
  const none = at([0, 0]);
  const full = at([1, 1]);
  // HBV (channel 2): contrast 0 paints peripheral-zone intensity (0.28) in the lesion, 1 the lesion's (0.85)
  assert.ok(channelMean(none.image, none.mask, 3, 2, 1) < 0.4, `contrast 0: ${channelMean(none.image, none.mask, 3, 2, 1)}`);
  assert.ok(channelMean(full.image, full.mask, 3, 2, 1) > 0.7, `contrast 1: ${channelMean(full.image, full.mask, 3, 2, 1)}`);
  const lesions = none.meta!.lesions as Array<{ contrast: number }>;
  assert.deepEqual(lesions.map((l) => l.contrast), lesions.map(() => 0));
  assert.throws(() => generateProstatePhantom({ seed: 1, shape: [4, 8, 8], lesionContrast: [0.9, 0.5] }), /lesionContrast must be \[lo, hi\] with 0 <= lo <= hi, got \[0.9,0.5\]/);
  const tight = generateProstatePhantom({ seed: 4, shape: [8, 32, 32], fovMm: [40, 56, 64] });
  assert.deepEqual(tight.spacing, [5, 1.75, 2]);
});
