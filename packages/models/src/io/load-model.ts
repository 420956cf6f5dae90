import * as tfl from '@tensorflow/tfjs-layers';
import { _ownSharedLayers } from '../unet';
import { fileSystemHandler } from './file-system-handler';

/**
 * Loads a model saved by {@link saveModel}. The custom layers it may contain are registered by importing
 * `@afl/models` (and `@afl/backend`, which this package loads).
 *
 * @example
 * const model = await loadModel('/tmp/unet');
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  return _ownSharedLayers(await tfl.loadLayersModel(fileSystemHandler(dir)));
}
