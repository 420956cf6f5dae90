import * as path from 'node:path';

/** The repository root of this checkout (`packages/experiments/dist/report` → four levels up). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * A path as reports and notebooks print it: relative to the repository root when it lies in the repository or beside
 * it (`results/quick`, `../shared/paper/tables.json`), so committed outputs carry no machine's folders; other paths
 * (a user's `/tmp/...`) are shown as given.
 */
export function displayPath(p: string, root: string = REPO_ROOT): string {
  const rel = path.relative(root, path.resolve(p));
  if (rel === '') return '.';
  const up = rel.split(path.sep).filter((s) => s === '..').length;
  return !path.isAbsolute(rel) && up <= 1 ? rel.split(path.sep).join('/') : p;
}
