import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gridCells } from '../config';
import type { ProfileName } from '../results/result-schema';
import { syntheticResults, writeSyntheticResults } from '../report/synthetic-results';
import { runMissingCells } from './run-missing-cells';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'afl-run-missing-'));

describe('runMissingCells', () => {
  const fakeRunner = (written: number[][]) => async (settings: { dir: string; profile: ProfileName }, only: number[]) => {
    written.push(only);
    const all = gridCells({ profile: settings.profile });
    const template = syntheticResults({ profile: settings.profile, seeds: [1], cases: 4 })[0];
    writeSyntheticResults(settings.dir, only.map((i) => ({ ...template, cellId: all[i].cellId, config: { ...all[i] } })));
  };

  it('runs only the missing cells of a table, by their index into the whole grid', async () => {
    const dir = tmp();
    const calls: number[][] = [];
    const all = gridCells({ profile: 'smoke' });
    const shared = all.findIndex((c) => c.tables.includes(1) && c.tables.includes(3));
    assert.ok(shared >= 0, 'the A-FL cell feeds Tables 1 and 3');
    await fakeRunner([])({ dir, profile: 'smoke' }, [shared]);
    const lines: string[] = [];
    const r = await runMissingCells(3, { profile: 'smoke', dir, repoRoot: dir }, { runCells: fakeRunner(calls), log: (l) => lines.push(l) });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].length, r.expected - 1);
    assert.ok(calls[0].every((i) => all[i].tables.includes(3)));
    assert.equal(r.ran, r.expected - 1);
    assert.deepEqual(r.missing, []);
    assert.match(lines[0], /^Table 3: running 6 missing cell\(s\) of the smoke grid into /);
  });

  it('runs nothing when no cell is missing', async () => {
    const dir = tmp();
    const all = gridCells({ profile: 'smoke' });
    await fakeRunner([])({ dir, profile: 'smoke' }, all.map((_, i) => i));
    const calls: number[][] = [];
    const r = await runMissingCells('figure3', { profile: 'smoke', dir }, { runCells: fakeRunner(calls), log: () => {} });
    assert.deepEqual(calls, []);
    assert.deepEqual(r, { expected: 2, ran: 0, missing: [] });
  });
});
