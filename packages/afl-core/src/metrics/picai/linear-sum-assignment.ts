/**
 * Rectangular linear sum assignment, solved like `scipy.optimize.linear_sum_assignment` (the shortest augmenting
 * path method of Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES 52(4), 2016), including
 * its order of exploring columns, so that ties are broken the same way.
 *
 * Part of the PI-CAI evaluation port (see `evaluate-picai.ts`).
 */
import { aflError } from '../../errors';

/** Matched pairs `(rows[k], cols[k])`, sorted by row. */
export interface Assignment {
  rows: number[];
  cols: number[];
}

/**
 * Assigns each row (or each column, whichever are fewer) to a distinct column (row) so that the summed cost is
 * minimal (or maximal with `maximize`). Every row of the smaller side is assigned.
 *
 * @param cost a `rows × cols` matrix of finite numbers.
 * @example
 * linearSumAssignment([[1.5, 0], [0, 1.2]], true); // { rows: [0, 1], cols: [0, 1] }
 */
export function linearSumAssignment(cost: readonly (readonly number[])[], maximize = false): Assignment {
  const fn = 'linearSumAssignment';
  const nRows0 = cost.length;
  const nCols0 = nRows0 === 0 ? 0 : cost[0].length;
  for (const row of cost) {
    if (row.length !== nCols0) throw aflError(fn, `cost must be a rectangular matrix, got rows of lengths ${nCols0} and ${row.length}.`);
    for (const v of row) if (!Number.isFinite(v)) throw aflError(fn, `cost must hold finite numbers, got ${v}.`);
  }
  if (nRows0 === 0 || nCols0 === 0) return { rows: [], cols: [] };
  const transpose = nCols0 < nRows0;
  const nr = transpose ? nCols0 : nRows0;
  const nc = transpose ? nRows0 : nCols0;
  const c = new Float64Array(nr * nc);
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      const v = transpose ? cost[j][i] : cost[i][j];
      c[i * nc + j] = maximize ? -v : v;
    }
  }
  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const inRow = new Uint8Array(nr);
  const inCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let curRow = 0; curRow < nr; curRow++) {
    // Dijkstra-like search for the shortest augmenting path from curRow
    let minVal = 0;
    let numRemaining = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    inRow.fill(0);
    inCol.fill(0);
    shortest.fill(Infinity);
    let sink = -1;
    let i = curRow;
    while (sink === -1) {
      let index = -1;
      let lowest = Infinity;
      inRow[i] = 1;
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it];
        const r = minVal + c[i * nc + j] - u[i] - v[j];
        if (r < shortest[j]) {
          path[j] = i;
          shortest[j] = r;
        }
        // on equal cost, prefer a column that is still free (it ends the path)
        if (shortest[j] < lowest || (shortest[j] === lowest && row4col[j] === -1)) {
          lowest = shortest[j];
          index = it;
        }
      }
      minVal = lowest;
      if (minVal === Infinity || index === -1) throw aflError(fn, 'the cost matrix is infeasible.');
      const j = remaining[index];
      if (row4col[j] === -1) sink = j;
      else i = row4col[j];
      inCol[j] = 1;
      remaining[index] = remaining[--numRemaining];
    }
    // update the dual variables
    u[curRow] += minVal;
    for (let r = 0; r < nr; r++) {
      if (inRow[r] && r !== curRow) u[r] += minVal - shortest[col4row[r]];
    }
    for (let j = 0; j < nc; j++) {
      if (inCol[j]) v[j] -= minVal - shortest[j];
    }
    // augment along the path
    let j = sink;
    for (;;) {
      const r = path[j];
      row4col[j] = r;
      const prev = col4row[r];
      col4row[r] = j;
      j = prev;
      if (r === curRow) break;
    }
  }

  if (!transpose) return { rows: Array.from({ length: nr }, (_, k) => k), cols: Array.from(col4row) };
  // rows of the original matrix are the columns here: list them sorted
  const order = Array.from({ length: nr }, (_, k) => k).sort((a, b) => col4row[a] - col4row[b]);
  return { rows: order.map((k) => col4row[k]), cols: order };
}
