import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type * as NiftiReaderModule from 'nifti-reader-js';

/** The `nifti-reader-js` module namespace. */
export type NiftiReader = typeof NiftiReaderModule;

let cached: NiftiReader | undefined;

// nifti-reader-js 0.8 ships only an ES module whose package "exports" has an "import" condition only, so a CommonJS
// `require('nifti-reader-js')` fails with ERR_PACKAGE_PATH_NOT_EXPORTED. We locate its entry file ourselves and
// load it with require() (Node >= 20.19 / 22.12 load ES modules synchronously) or a real dynamic import().
function entryFile(): string {
  const dirs = require.resolve.paths('nifti-reader-js') ?? [];
  for (const dir of dirs) {
    const file = path.join(dir, 'nifti-reader-js', 'dist', 'nifti.js');
    if (fs.existsSync(file)) return file;
  }
  throw new Error('Error in loadNiftiReader: cannot find nifti-reader-js/dist/nifti.js; run npm install.');
}

// A dynamic import() that TypeScript's CommonJS output leaves as a real import() (it rewrites a literal one to require()).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Loads nifti-reader-js synchronously; throws a clear Error on Node versions that cannot require() an ES module. */
export function loadNiftiReaderSync(): NiftiReader {
  if (cached) return cached;
  const file = entryFile();
  try {
    cached = require(file) as NiftiReader;
  } catch (e) {
    throw new Error(
      `Error in readVolumeSync: cannot load the ES module nifti-reader-js synchronously on Node ${process.version} ` +
        `(needs Node >= 20.19 or >= 22.12), got: ${e instanceof Error ? e.message : String(e)}. Use readVolume(), ` +
        'or await readVolume() once before calling readVolumeSync().',
    );
  }
  return cached;
}

/** Loads nifti-reader-js with a real dynamic `import()` (works on every Node version; not cached). */
export async function importNiftiReader(): Promise<NiftiReader> {
  return (await importEsm(pathToFileURL(entryFile()).href)) as NiftiReader;
}

/** Loads nifti-reader-js (once): `require()` where Node supports it, else `import()`. */
export async function loadNiftiReader(): Promise<NiftiReader> {
  if (cached) return cached;
  try {
    return loadNiftiReaderSync();
  } catch {
    cached = await importNiftiReader();
    return cached;
  }
}
