import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CellResult } from '../results/result-schema';
import { convergenceTable } from './convergence-table';
import { syntheticResults } from './synthetic-results';

describe('convergenceTable', () => {
  it('reports epochs trained, the evaluated epoch and whether the criterion stopped each cell', () => {
    const [a, b, c] = syntheticResults().slice(0, 3).map((r) => JSON.parse(JSON.stringify(r)) as CellResult);
    const curve = (dice: number[]) => dice.map((valDice, i) => ({ epoch: i + 1, trainLoss: 1 / (i + 1), valDice, seconds: 1 }));
    a.curve = curve([0.1, 0.4, 0.3]);
    a.bestEpoch = 2;
    a.convergence = { criterion: 'the criterion', converged: true, epochsTrained: 3 };
    b.curve = curve([0.1, 0.2]);
    b.bestEpoch = 2;
    b.convergence = { criterion: 'the criterion', converged: false, epochsTrained: 2 };
    delete c.convergence;
    const table = convergenceTable([a, b, c]);
    const rows = table.data.objects() as Array<Record<string, unknown>>;
    const rowOf = (r: CellResult) => rows.find((x) => x.cellId === r.cellId)!;
    assert.deepEqual([rowOf(a).epochsTrained, rowOf(a).bestValDice, rowOf(a).converged], [3, 0.4, true]);
    assert.deepEqual([rowOf(b).epochsTrained, rowOf(b).bestValDice, rowOf(b).converged], [2, 0.2, false]);
    assert.equal(rowOf(c).converged, null);
    const md = table.toMarkdown({ heading: 2 });
    assert.match(md, /Criterion: the criterion\./);
    assert.match(md, /1 of 2 cells converged; 1 reached the epoch limit first\./);
    assert.match(md, /\*\*no\*\* \(limit reached\)/);
  });
});
