import * as fs from 'node:fs';
import type * as Arquero from 'arquero';

/**
 * arquero 7.2.1 ships as an ES module. Node ≥ 20.19 loads it with `require` directly; older Node 20 releases cannot,
 * and get the package's own UMD bundle (`dist/arquero.min.js`, the same code built for browsers) instead, evaluated as
 * CommonJS (`require` of that file would treat it as ESM, since the package says `"type": "module"`).
 */
function loadArquero(): typeof Arquero {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const aq = require('arquero') as typeof Arquero;
    if (typeof aq.from === 'function') return aq;
  } catch {
    // fall through to the bundle
  }
  return loadArqueroBundle();
}

/** arquero from its UMD bundle, evaluated as a CommonJS module. */
export function loadArqueroBundle(): typeof Arquero {
  const file = require.resolve('arquero/dist/arquero.min.js');
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  new Function('exports', 'module', fs.readFileSync(file, 'utf8'))(mod.exports, mod);
  return mod.exports as unknown as typeof Arquero;
}

/** The arquero namespace (`aq.from`, `aq.op`, …). */
export const aq: typeof Arquero = loadArquero();

export type ColumnTable = Arquero.ColumnTable;
