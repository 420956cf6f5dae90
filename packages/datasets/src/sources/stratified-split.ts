import * as fs from 'fs';
import * as path from 'path';
import { createRng, deriveSeed, shuffled } from '../random';
import type { SplitName } from '../dataset';

/**
 * Seeded stratified split: inside each stratum (e.g. case ISUP grade) the ids are shuffled and `val` / `test` take
 * their share (largest-remainder rounding so the totals are exact); the rest is train. Same ids, strata and seed give
 * the same split.
 */
export function stratifiedSplit(
  ids: readonly string[],
  stratumOf: (id: string) => string,
  seed: number,
  sizes: { val: number; test?: number },
): Record<SplitName, string[]> {
  const n = ids.length;
  const nVal = sizes.val < 1 && sizes.val > 0 ? Math.round(sizes.val * n) : Math.round(sizes.val);
  const nTest = sizes.test === undefined ? 0 : sizes.test < 1 && sizes.test > 0 ? Math.round(sizes.test * n) : Math.round(sizes.test);
  if (nVal < 0 || nTest < 0 || nVal + nTest > n) throw new Error(`Error in stratifiedSplit: val + test must fit in ${n} cases, got val ${nVal}, test ${nTest}.`);
  const strata = new Map<string, string[]>();
  for (const id of [...ids].sort()) {
    const s = stratumOf(id);
    strata.set(s, [...(strata.get(s) ?? []), id]);
  }
  const keys = [...strata.keys()].sort();
  const allocate = (total: number, taken: Map<string, number>): Map<string, number> => {
    const left = keys.map((k) => strata.get(k)!.length - (taken.get(k) ?? 0));
    const sumLeft = left.reduce((a, b) => a + b, 0);
    const exact = left.map((l) => (sumLeft ? (l * total) / sumLeft : 0));
    const base = exact.map(Math.floor);
    let rest = total - base.reduce((a, b) => a + b, 0);
    const order = exact.map((e, i) => ({ i, r: e - base[i] })).sort((a, b) => b.r - a.r || a.i - b.i);
    for (const o of order) {
      if (rest <= 0) break;
      if (base[o.i] < left[o.i]) {
        base[o.i]++;
        rest--;
      }
    }
    return new Map(keys.map((k, i) => [k, base[i]]));
  };
  const valCounts = allocate(nVal, new Map());
  const testCounts = allocate(nTest, valCounts);
  const out: Record<SplitName, string[]> = { train: [], val: [], test: [] };
  for (const k of keys) {
    const order = shuffled(strata.get(k)!, createRng(deriveSeed(seed, 'stratified-split', k)));
    const v = valCounts.get(k)!;
    const t = testCounts.get(k)!;
    out.val.push(...order.slice(0, v));
    out.test.push(...order.slice(v, v + t));
    out.train.push(...order.slice(v + t));
  }
  for (const s of ['train', 'val', 'test'] as const) out[s].sort();
  return out;
}

/**
 * Reads a split JSON (`{ seed, train, val, test }`) when it exists and covers exactly `ids`; otherwise computes it
 * with `make` and writes it, so later runs reuse the same split.
 */
export function loadOrCreateSplit(file: string, ids: readonly string[], seed: number, make: () => Record<SplitName, string[]>): Record<SplitName, string[]> {
  if (fs.existsSync(file)) {
    try {
      const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<SplitName, string[]> & { seed: number };
      const all = [...s.train, ...s.val, ...(s.test ?? [])].sort();
      if (s.seed === seed && all.join('\n') === [...ids].sort().join('\n')) return { train: s.train, val: s.val, test: s.test ?? [] };
    } catch {
      // rewrite below
    }
  }
  const split = make();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ seed, ...split }, null, 1) + '\n');
  return split;
}
