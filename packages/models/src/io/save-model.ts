import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemHandler } from './file-system-handler';

/**
 * Saves a model (topology + weights, BN moving statistics included) to `dir` as `model.json` + `weights.bin`.
 *
 * @example
 * await saveModel(createModel('unet', { channels: [8, 16] }), '/tmp/unet');
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  return model.save(fileSystemHandler(dir));
}
