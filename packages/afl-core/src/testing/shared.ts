import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * THE resolver of the shared, read-only test data and references (`data/`, `reference/`, `paper/`), used by every
 * package's tests: `$AFL_SHARED_DIR`, else `../shared` beside the repository root. (`$AFL_SHARED_DATA`, the older
 * variable naming `shared/data`, is still read: its parent folder.)
 */
export const SHARED_DIR_ENV = 'AFL_SHARED_DIR';

/** The repository root: the nearest folder above `from` whose package.json declares npm workspaces. */
export function repositoryRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  // Not inside the monorepo (a packed copy): packages/afl-core/dist/testing -> four levels up.
  return path.resolve(__dirname, '../../../..');
}

/** The shared folder (not checked for existence): `$AFL_SHARED_DIR`, else `<repository root>/../shared`. */
export function sharedDir(): string {
  const dir = process.env[SHARED_DIR_ENV];
  if (dir) return path.resolve(dir);
  const legacy = process.env.AFL_SHARED_DATA;
  if (legacy) return path.dirname(path.resolve(legacy));
  return path.resolve(repositoryRoot(), '..', 'shared');
}

/** A path inside the shared folder, e.g. `sharedPath('reference', 'losses_monai.json')` (not checked). */
export function sharedPath(...segments: string[]): string {
  return path.join(sharedDir(), ...segments);
}

/** Whether the tests run under CI (`CI` set to anything but '', '0' or 'false'): then missing shared data fails. */
export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** A shared file or folder for a test: its path, or (locally, when missing) why the test skips. */
export type SharedForTest = { path: string; skip: false } | { path: undefined; skip: string };

const warned = new Set<string>();

/**
 * The test-facing helper: `sharedForTest('reference', 'picai_eval')` gives `{ path, skip: false }` when that file or
 * folder exists. When it is missing, it warns once and gives `{ path: undefined, skip: <reason> }` (pass `skip` to
 * `test`/`describe`, or `t.skip(skip)`), except under CI ({@link isCI}), where it throws: a CI run without the shared
 * references is a failure, not a run of skipped tests.
 */
export function sharedForTest(...segments: string[]): SharedForTest {
  const file = sharedPath(...segments);
  if (fs.existsSync(file)) return { path: file, skip: false };
  const what = ['shared', ...segments].join('/');
  const msg = `${what} not found at ${file} (set ${SHARED_DIR_ENV} to the shared folder, or put shared/ beside the repository)`;
  if (isCI()) throw new Error(`${msg}; CI is set, so missing shared test data is a failure, not a skip.`);
  if (!warned.has(file)) {
    warned.add(file);
    console.warn(`[afl tests] ${msg}; skipping.`);
  }
  return { path: undefined, skip: msg };
}
