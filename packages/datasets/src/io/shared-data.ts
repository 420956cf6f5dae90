import * as fs from 'fs';
import * as path from 'path';

/** One entry of the shared data manifest (`/work/shared/data/manifest.json`); only the fields the tests use. */
export interface ManifestEntry {
  path: string;
  role: string;
  format?: string;
  shape?: number[];
  spacing?: number[];
  dtype?: string;
  byte_order?: string;
  scl_slope?: number;
  scl_inter?: number;
  affine?: number[][];
  affine_lps?: number[][];
  data_sha256?: string;
  foreground_voxels?: number;
  label_counts?: Record<string, number>;
  intensity?: { min: number; max: number; mean: number };
  data_file?: string;
  [key: string]: unknown;
}

/**
 * The shared test data folder: `$AFL_SHARED_DATA`, else `../../../../shared/data` from the compiled `dist/io/`
 * (the repo sits next to `shared/`). Returns undefined when it has no manifest, so tests can skip.
 */
export function sharedDataDir(): string | undefined {
  const dir = process.env.AFL_SHARED_DATA ?? path.resolve(__dirname, '../../../../../shared/data');
  return fs.existsSync(path.join(dir, 'manifest.json')) ? dir : undefined;
}

/** The manifest's file entries, or undefined when the shared folder is absent. */
export function sharedManifest(): { dir: string; files: ManifestEntry[] } | undefined {
  const dir = sharedDataDir();
  if (!dir) return undefined;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
  return { dir, files: manifest.files };
}

/** Message used when skipping tests without the shared data. */
export const NO_SHARED_DATA = 'shared test data not found (set AFL_SHARED_DATA or place shared/data next to the repo); skipping';
