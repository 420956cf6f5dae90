import * as tf from '@tensorflow/tfjs-core';
import { layers as tflLayers } from '@tensorflow/tfjs-layers';
import type {
  BatchNormalization as StockBatchNormalizationType,
  BatchNormalizationLayerArgs,
} from '@tensorflow/tfjs-layers/dist/layers/normalization';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { batchNormTrain } from './batch-norm-train';

export type { BatchNormalizationLayerArgs };

const StockBatchNormalization = (tflLayers.batchNormalization({}) as object).constructor as typeof StockBatchNormalizationType;

/**
 * Batch normalization that also accepts rank-5 (and higher) inputs, for 3-D
 * networks. Same arguments, weights and config as `tf.layers.batchNormalization`;
 * inputs of rank > 4 are normalised over every axis but the last (channels-last),
 * by folding the spatial axes into a rank-4 tensor.
 */
export class BatchNormalization extends StockBatchNormalization {
  static override className = 'AflBatchNormalization';

  constructor(args?: BatchNormalizationLayerArgs) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const stockAxis = (this.getConfig().axis as number | undefined) ?? -1;
    const axis = stockAxis < 0 ? stockAxis + x.rank : stockAxis;
    if (kwargs.training === true && axis === x.rank - 1 && x.dtype === 'float32') return this.callTraining(x);
    if (x.rank <= 4) return super.call(inputs, kwargs);
    if (axis !== x.rank - 1) {
      throw new Error(`Error in batchNormalization: rank-${x.rank} inputs need the channel axis last (axis -1), got axis ${stockAxis}.`);
    }
    return tf.tidy(() => {
      const s = x.shape;
      let mid = 1;
      for (let i = 1; i < s.length - 2; i++) mid *= s[i];
      const x4 = tf.reshape(x, [s[0], mid, s[s.length - 2], s[s.length - 1]]);
      const y = super.call(x4, kwargs) as tf.Tensor;
      return tf.reshape(y, s);
    });
  }

  /** Training mode, channels last: fused batch statistics + one analytic backward (see `batchNormTrain`). */
  private callTraining(x: tf.Tensor): tf.Tensor {
    // The stock layer's fields, read through a structural view (they are private in its typings).
    const self = this as unknown as {
      gamma?: LayerVariable; beta?: LayerVariable; movingMean: LayerVariable; movingVariance: LayerVariable;
      momentum: number; epsilon: number;
    };
    return tf.tidy(() => {
      const c = x.shape[x.rank - 1];
      const gamma = self.gamma != null ? (self.gamma.read() as tf.Tensor1D) : tf.ones([c]) as tf.Tensor1D;
      const beta = self.beta != null ? (self.beta.read() as tf.Tensor1D) : tf.zeros([c]) as tf.Tensor1D;
      const { y, mean, variance } = batchNormTrain(tf.reshape(x, [-1, c]) as tf.Tensor2D, gamma, beta, self.epsilon);
      const update = (v: LayerVariable, value: tf.Tensor) => {
        const orig = v.read();
        v.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - self.momentum)));
      };
      update(self.movingMean, mean);
      update(self.movingVariance, variance);
      return tf.reshape(y, x.shape);
    });
  }
}
tf.serialization.registerClass(BatchNormalization);

/**
 * Batch normalization for rank 2 to 5 inputs (channels last).
 * Same arguments as `tf.layers.batchNormalization`.
 *
 * @example
 * const bn = batchNormalization({ momentum: 0.9 });
 * bn.apply(tf.ones([1, 4, 8, 8, 3])); // rank 5 works
 */
export function batchNormalization(args?: BatchNormalizationLayerArgs): BatchNormalization {
  return new BatchNormalization(args);
}
