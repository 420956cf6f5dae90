import * as fs from 'fs';
import * as path from 'path';

/** One entry of the shared data manifest (`shared/data/manifest.json`); only the fields the tests use. */
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
 * The file entries of `manifest.json` in the shared data folder `dataDir` (found by `@afl/core/testing`'s
 * `sharedForTest('data', 'manifest.json')`).
 */
export function readSharedManifest(dataDir: string): { dir: string; files: ManifestEntry[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
  return { dir: dataDir, files: manifest.files };
}
