import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createRng, deriveSeed, fillNormal, normalQuantile, shuffled, standardNormalTable } from './random';

test('createRng: same seed, same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(Array.from({ length: 5 }, () => b.next()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => createRng(43).next()), xs);
  for (const x of xs) assert.ok(x >= 0 && x < 1);
  // golden value: mulberry32(42) first output
  assert.equal(createRng(42).next(), 0.6011037519201636);
});

test('createRng: normal has mean ~0 and sd ~1; ill seed throws', () => {
  const r = createRng(1);
  let s = 0;
  let ss = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    ss += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(ss / n - 1) < 0.05);
  assert.throws(() => createRng(NaN), /Error in createRng: seed must be a finite number, got NaN/);
});

test('deriveSeed: deterministic, label-sensitive', () => {
  assert.equal(deriveSeed(1, 'case', 3), deriveSeed(1, 'case', 3));
  assert.notEqual(deriveSeed(1, 'case', 3), deriveSeed(1, 'case', 4));
  assert.notEqual(deriveSeed(1, 'case', 3), deriveSeed(2, 'case', 3));
});

test('shuffled: a seeded permutation', () => {
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const a = shuffled(xs, createRng(5));
  assert.deepEqual([...a].sort((p, q) => p - q), xs);
  assert.deepEqual(shuffled(xs, createRng(5)), a);
  assert.notDeepEqual(a, xs);
});

test('normal table: quantiles and fillNormal moments', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  const t = standardNormalTable();
  assert.equal(t.length, 65536);
  const out = new Float32Array(100000);
  fillNormal(createRng(3), out, 2, 0.5);
  const mean = out.reduce((a, b) => a + b, 0) / out.length;
  const sd = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / out.length);
  assert.ok(Math.abs(mean - 2) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.5) < 0.01, `sd ${sd}`);
});
