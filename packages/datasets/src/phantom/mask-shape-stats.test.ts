import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { maskShapeStats } from './mask-shape-stats';

test('maskShapeStats: 2x2x2 cube in 4x4x4 (numpy.gradient facts)', () => {
  const m = new Uint8Array(64);
  for (let d = 1; d < 3; d++) for (let h = 1; h < 3; h++) for (let w = 1; w < 3; w++) m[d * 16 + h * 4 + w] = 1;
  const s = maskShapeStats(m, [4, 4, 4]);
  assert.equal(s.gammaVa, 0.125);
  assert.ok(Math.abs(s.gammaMSa - 0.48325317547305484) < 1e-15, String(s.gammaMSa));
  assert.equal(s.foreground, 8);
});

test('maskShapeStats: 1-D border rule and empty mask', () => {
  // [0, 1, 1, 0, 0]: gradient = [1, 0.5, -0.5, -0.5, 0]
  const s = maskShapeStats([0, 1, 1, 0, 0], [5]);
  assert.ok(Math.abs(s.gammaMSa - 2.5 / 5) < 1e-15);
  assert.deepEqual(maskShapeStats(new Uint8Array(8), [2, 2, 2]), { foreground: 0, total: 8, gammaVa: 0, gammaMSa: 0 });
});

test('maskShapeStats: ill input', () => {
  assert.throws(() => maskShapeStats(new Uint8Array(7), [2, 2, 2]), /Error in maskShapeStats: mask of length 7 does not match dims \[2, 2, 2\]/);
});
