// Child process of the kill -9 resume test: trains the toy model with checkpoints in argv[2] and prints the hash of
// the final weights.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { diceLoss } from '@afl/core';
import { trainModel } from '../train/train-model';
import { toyDataset, toyModel, weightsHash } from './toy';

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const model = toyModel(Number(process.argv[3] ?? 1));
  await trainModel({
    model,
    dataset: toyDataset(),
    loss: (m, l) => diceLoss(m, l) as tf.Scalar,
    epochs: 4,
    seed: 5,
    optimizer: { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
    checkpointDir: process.argv[2],
    checkpointEverySteps: 1,
  });
  process.stdout.write(`${await weightsHash(model)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
