import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The shared folder holding `reference/` (read-only test references): `$AFL_SHARED_DIR`, else the first
 * `<ancestor>/shared` with a `reference` folder, walking up from this file (the checkout sits beside `shared/`).
 * Undefined when none is found.
 */
export function findSharedDir(): string | undefined {
  const env = process.env.AFL_SHARED_DIR;
  if (env) return fs.existsSync(path.join(env, 'reference')) ? env : undefined;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'shared');
    if (fs.existsSync(path.join(candidate, 'reference'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A reference folder under the shared folder, or a skip reason. With `CI` set a missing folder throws, so the test
 * fails instead of skipping.
 */
export function referenceFolder(name: string): { dir?: string; skip: string | false } {
  const shared = findSharedDir();
  const dir = shared && path.join(shared, 'reference', name);
  if (dir && fs.existsSync(dir)) return { dir, skip: false };
  const msg = `reference folder reference/${name} not found (set AFL_SHARED_DIR or put shared/ beside the checkout)`;
  if (process.env.CI) throw new Error(`${msg}; CI is set, so this is an error.`);
  console.warn(`[afl tests] ${msg}; skipping.`);
  return { skip: msg };
}
