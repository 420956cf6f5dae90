import * as fs from 'fs';
import * as path from 'path';
import { modelError } from '../errors';
import { readKerasH5 } from './read-keras-h5';
import { readStateDict, toTfjsLayout, writeStateDict } from './state-dict';

/** Options of {@link importWeights}. */
export interface ImportWeightsOptions {
  /** `'keras-h5'` (Keras HDF5) or `'state-dict'` (afl-state-dict manifest, e.g. exported from torchvision). Default: by extension (`.h5`/`.hdf5` or `.json`). */
  format?: 'keras-h5' | 'state-dict';
  /** Base name of the cached files, default `'resnet50-imagenet'`. */
  name?: string;
}

/** Result of {@link importWeights}. */
export interface ImportWeightsResult {
  /** The cached manifest (`<cacheDir>/<name>.json`, tfjs layout, torchvision names); pass it to `loadResnet50Weights`. */
  manifest: string;
  /** Number of tensors cached. */
  tensors: number;
}

/**
 * Converts pretrained ResNet50 weights ONCE into a cache directory (an afl-state-dict in tfjs layout with torchvision
 * names): from Keras's `resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`, or from a torchvision state dict
 * exported with the Python snippet in the README. No network access; the source file must be on disk.
 *
 * @example
 * const { manifest } = await importWeights('resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5', '.cache/weights');
 * loadResnet50Weights(model, manifest);
 */
export async function importWeights(source: string, cacheDir: string, options: ImportWeightsOptions = {}):
  Promise<ImportWeightsResult> {
  const fn = 'importWeights';
  const { name = 'resnet50-imagenet' } = options;
  const format = options.format ?? (/\.(h5|hdf5)$/i.test(source) ? 'keras-h5' : /\.json$/i.test(source)
    ? 'state-dict' : undefined);
  if (format !== 'keras-h5' && format !== 'state-dict') {
    throw modelError(fn, `cannot tell the format of ${source}: pass format 'keras-h5' or 'state-dict', got ` +
      `${JSON.stringify(options.format)}.`);
  }
  if (!fs.existsSync(source)) throw modelError(fn, `file not found: ${source}.`);
  const sd = format === 'keras-h5' ? await readKerasH5(source) : toTfjsLayout(readStateDict(source));
  for (const key of [...sd.tensors.keys()]) {
    if (key.startsWith('fc.') || key.endsWith('num_batches_tracked')) sd.tensors.delete(key);
  }
  const manifest = writeStateDict(path.join(cacheDir, `${name}.json`), sd);
  return { manifest, tensors: sd.tensors.size };
}
