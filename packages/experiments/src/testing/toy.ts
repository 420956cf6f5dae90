import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import type { BatchOptions, SplitDataset, TrainBatch } from '../train/dataset-types';
import { readModelWeights, seedModelWeights } from '../train/model-weights';
import { seededPermutation, seededRandom } from '../train/seeded-random';

/** A tiny 2-D segmentation set: bright squares on noise, deterministic per case id. */
export function toyDataset(size = 16, counts = { train: 6, val: 2, test: 2 }): SplitDataset {
  const make = (id: number): { image: Float32Array; mask: Float32Array } => {
    const rand = seededRandom(1000 + id);
    const image = new Float32Array(size * size);
    const mask = new Float32Array(size * size);
    const side = 3 + Math.floor(rand() * 5);
    const y0 = Math.floor(rand() * (size - side));
    const x0 = Math.floor(rand() * (size - side));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = y >= y0 && y < y0 + side && x >= x0 && x < x0 + side;
        mask[y * size + x] = inside ? 1 : 0;
        image[y * size + x] = (inside ? 1 : 0) + (rand() - 0.5) * 0.6;
      }
    }
    return { image, mask };
  };
  const ids = { train: [0, counts.train], val: [100, counts.val], test: [200, counts.test] } as const;
  return {
    split(name) {
      const [base, n] = ids[name];
      return {
        *batches(o: BatchOptions): Iterable<TrainBatch> {
          const order = o.shuffle ? seededPermutation(n, o.seed) : Array.from({ length: n }, (_, i) => i);
          for (let i = 0; i < order.length; i += o.batchSize) {
            const chunk = order.slice(i, i + o.batchSize).map((k) => base + k);
            const cases = chunk.map(make);
            const image = tf.tensor(cases.flatMap((c) => Array.from(c.image)), [chunk.length, size, size, 1]);
            const mask = tf.tensor(cases.flatMap((c) => Array.from(c.mask)), [chunk.length, size, size, 1]);
            yield { image, mask, caseIds: chunk.map((k) => `toy-${k}`) };
          }
        },
      };
    },
  };
}

/** A two-level conv net with batch norm, seeded. */
export function toyModel(seed: number, size = 16, outChannels = 1): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 1] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.conv2d({ filters: outChannels, kernelSize: 1 }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  seedModelWeights(model, seed);
  return model;
}

/** sha256 of every weight's bytes (asynchronous reads). */
export async function weightsHash(model: tfl.LayersModel): Promise<string> {
  const h = createHash('sha256');
  for (const w of await readModelWeights(model)) h.update(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  return h.digest('hex');
}
