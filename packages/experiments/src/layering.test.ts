import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The package has two sides (README, "Layout"). The report side reads result files and the paper spec; the runner
// side trains and writes them. The report side never imports the runner side, so reports and notebooks load without
// the grid, and the runner may use the report side (result schema, paper spec, stats).
const SRC = path.resolve(__dirname, '..', 'src');
const REPORT_SIDE = ['report', 'stats', 'results', 'paper'];
const RUNNER_SIDE = ['grid', 'train', 'inference', 'cli', 'metrics', 'cli.ts', 'config.ts'];

const sideOf = (rel: string): 'report' | 'runner' | null => {
  const top = rel.split('/')[0];
  if (REPORT_SIDE.includes(top)) return 'report';
  if (RUNNER_SIDE.includes(top) || RUNNER_SIDE.includes(`${rel.replace(/\.ts$/, '')}.ts`)) return 'runner';
  return null;
};

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports of a file (static `import … from`, `export … from`, `import('…')`, `require('…')`), as paths under src. */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).split(path.sep).join('/'));
}

const files = tsFiles(SRC).filter((f) => !f.endsWith('.test.ts'));
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');

describe('layering of @afl/experiments', () => {
  it('finds both sides', () => {
    assert.ok(files.filter((f) => sideOf(rel(f)) === 'report').length > 20);
    assert.ok(files.filter((f) => sideOf(rel(f)) === 'runner').length > 20);
  });

  it('the report side (report, stats, results, paper) never imports the runner side', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (sideOf(rel(f)) !== 'report') continue;
      for (const target of relativeImports(f)) if (sideOf(target) === 'runner') bad.push(`${rel(f)} imports ${target}`);
    }
    assert.deepEqual(bad, [], `the report side must not import the runner side:\n${bad.join('\n')}`);
  });

  it('has no import cycle between the two sides', () => {
    // With the rule above a cycle through both sides cannot exist; this checks it directly on the import graph.
    const graph = new Map<string, string[]>();
    const known = new Set(files.map(rel));
    const norm = (t: string) => (known.has(`${t}.ts`) ? `${t}.ts` : known.has(`${t}/index.ts`) ? `${t}/index.ts` : t);
    for (const f of files) graph.set(rel(f), relativeImports(f).map(norm).filter((t) => known.has(t)));
    const reach = (from: string, side: 'report' | 'runner'): boolean => {
      const seen = new Set<string>();
      const stack = [from];
      while (stack.length) {
        const n = stack.pop() as string;
        for (const m of graph.get(n) ?? []) {
          if (seen.has(m)) continue;
          seen.add(m);
          if (sideOf(m) === side) return true;
          stack.push(m);
        }
      }
      return false;
    };
    const leaks = [...graph.keys()].filter((f) => sideOf(f) === 'report' && reach(f, 'runner'));
    assert.deepEqual(leaks, [], `report-side files that reach the runner side through imports:\n${leaks.join('\n')}`);
  });
});
