import type * as tf from '@tensorflow/tfjs-core';

/** One batch, channels-last; the consumer disposes the tensors. */
export interface TrainBatch {
  image: tf.Tensor;
  /** Binary mask `[B, ...spatial, 1]`. */
  mask: tf.Tensor;
  caseIds: string[];
}

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  augment: boolean;
}

/** What the trainer needs of a split (satisfied by `@afl/datasets`' datasets). */
export interface BatchSource {
  batches(options: BatchOptions): AsyncIterable<TrainBatch> | Iterable<TrainBatch>;
  /** Number of cases, when known (for progress and ETA). */
  readonly size?: number;
}

export interface SplitDataset {
  split(name: 'train' | 'val' | 'test'): BatchSource;
}
