import type * as Arquero from 'arquero';

/**
 * arquero 7.2.1 ships as an ES module. Node ≥ 20.19 loads it with `require` directly; older Node 20 releases cannot, and
 * get the package's own UMD bundle (`dist/arquero.min.js`, the same code built for browsers and CommonJS) instead.
 */
function loadArquero(): typeof Arquero {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('arquero') as typeof Arquero;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('arquero/dist/arquero.min.js') as typeof Arquero;
  }
}

/** The arquero namespace (`aq.from`, `aq.op`, …). */
export const aq: typeof Arquero = loadArquero();

export type ColumnTable = Arquero.ColumnTable;
