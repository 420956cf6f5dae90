import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { NamedArray } from './tensor-file';

/** Every weight of the model (trainable and not, e.g. batch-norm statistics), copied to the host (asynchronous reads). */
export async function readModelWeights(model: LayersModel): Promise<NamedArray[]> {
  return Promise.all(
    model.weights.map(async (w) => {
      const t = w.read();
      return { name: w.originalName, shape: t.shape.slice(), data: ((await t.data()) as Float32Array).slice() };
    }),
  );
}

/** Writes host arrays back into the model's weights, checking names and shapes. */
export function writeModelWeights(model: LayersModel, arrays: NamedArray[], source = 'checkpoint'): void {
  const weights = model.weights;
  if (weights.length !== arrays.length) {
    throw new Error(`Error in writeModelWeights: ${source} holds ${arrays.length} weights, the model has ${weights.length}.`);
  }
  weights.forEach((w, i) => {
    const a = arrays[i];
    const same = a.shape.length === w.shape.length && a.shape.every((d, k) => d === w.shape[k]);
    if (!same) {
      throw new Error(`Error in writeModelWeights: ${source} weight ${i} (${a.name}) has shape [${a.shape}], the model's ${w.originalName} has [${w.shape}].`);
    }
    const t = tf.tensor(a.data, a.shape, 'float32');
    w.write(t);
    t.dispose();
  });
}

/** True when every weight is finite. */
export function weightsAreFinite(arrays: NamedArray[]): boolean {
  return arrays.every((a) => a.data.every(Number.isFinite));
}

/**
 * Re-initialises every weight deterministically from `seed`: He-normal kernels (fan-in from the kernel shape), zero
 * biases and betas, unit gammas and variances, zero means. TF.js's own initialisers draw from `Math.random`, so this
 * is what makes the same seed give the same run.
 */
export function seedModelWeights(model: LayersModel, seed: number): void {
  model.weights.forEach((w, i) => {
    const name = w.originalName.toLowerCase();
    const shape = w.shape as number[];
    let t: tf.Tensor;
    if (/gamma|moving_variance/.test(name)) t = tf.ones(shape);
    else if (/bias|beta|moving_mean/.test(name) || shape.length < 2) t = tf.zeros(shape);
    else {
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      t = tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', (seed * 7919 + i * 104729) % 2147483647);
    }
    w.write(t);
    t.dispose();
  });
}

/**
 * RetinaNet's prior initialisation (Lin et al. 2017, section 4.1): sets the output layer's bias so that every voxel
 * starts at tumour probability `prior` (1 channel: `logit(prior)`; 2 channels: background `-logit(prior)`, tumour
 * `logit(prior)`). Without it the rare-foreground losses spend their first hundreds of steps pushing the whole
 * volume from 0.5 towards background. Throws when the model's last weighted layer has no bias.
 */
export function setOutputPrior(model: LayersModel, prior: number): void {
  if (!(prior > 0 && prior < 1)) throw new Error(`Error in setOutputPrior: prior must be in (0, 1), got ${prior}.`);
  const layer = [...model.layers].reverse().find((l) => l.weights.length > 0);
  const bias = layer?.weights.find((w) => /bias/i.test(w.originalName));
  if (!layer || !bias || bias.shape.length !== 1) {
    throw new Error(`Error in setOutputPrior: the output layer ${layer?.name ?? '(none)'} of ${model.name} has no bias to initialise.`);
  }
  const logit = Math.log(prior / (1 - prior));
  const channels = bias.shape[0] as number;
  const values = channels === 1 ? [logit] : Array.from({ length: channels }, (_, c) => (c === channels - 1 ? logit : -logit));
  const t = tf.tensor1d(values);
  bias.write(t);
  t.dispose();
}
