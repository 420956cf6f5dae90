import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelError } from '../errors';
import { inflateKernel, tileInputChannels } from './inflate';
import { NamedTensor, readStateDict, StateDict, toTfjsLayout } from './state-dict';

const BN_WEIGHTS: [RegExp, string][] = [[/gamma$/, 'weight'], [/beta$/, 'bias'], [/moving_mean$/, 'running_mean'],
  [/moving_variance$/, 'running_var']];

/** Result of {@link loadResnet50Weights}. */
export interface LoadWeightsResult {
  /** Layers that received weights. */
  layers: number;
  /** Kernels inflated from 2-D to 3-D. */
  inflated: number;
  /** Whether the first conv's input channels were tiled (`inChannels` != 3). */
  tiledInput: boolean;
}

const shapeText = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;

/**
 * Copies pretrained ResNet weights (a state dict or the manifest written by `importWeights`) into the `encoder_*`
 * layers of a {@link resnet50Unet} / {@link resnetEncoder}, by torchvision name (`layer1.0.conv1` -> layer
 * `encoder_layer1_0_conv1`). 3-D models get each 2-D kernel INFLATED (repeated k times along depth, divided by k);
 * a first conv with `inChannels` != 3 gets its kernel tiled over channels and rescaled by `3 / inChannels`.
 * Any other shape difference is an error naming the weight, the layer and both shapes.
 *
 * @example
 * const model = resnet50Unet({ inChannels: 3, outChannels: 2 });
 * loadResnet50Weights(model, '.cache/weights/resnet50-imagenet.json');
 */
export function loadResnet50Weights(model: tfl.LayersModel, source: string | StateDict): LoadWeightsResult {
  const fn = 'loadResnet50Weights';
  const sd = toTfjsLayout(typeof source === 'string' ? readStateDict(source) : source);
  const result: LoadWeightsResult = { layers: 0, inflated: 0, tiledInput: false };
  const missing: string[] = [];
  const pending: [tfl.layers.Layer, tf.Tensor[]][] = [];
  for (const layer of model.layers) {
    if (!layer.name.startsWith('encoder_') || layer.weights.length === 0) continue;
    const module = layer.name.slice('encoder_'.length).replace(/_/g, '.');
    const values: tf.Tensor[] = [];
    for (const w of layer.weights) {
      const target = w.shape as number[];
      const local = w.originalName.split('/').pop()!;
      let key: string;
      if (local === 'kernel') key = `${module}.weight`;
      else {
        const bn = BN_WEIGHTS.find(([re]) => re.test(local));
        if (!bn) throw modelError(fn, `layer '${layer.name}' has a weight '${local}' with no ResNet counterpart.`);
        key = `${module}.${bn[1]}`;
      }
      let t: NamedTensor | undefined = sd.tensors.get(key);
      if (!t) {
        missing.push(key);
        continue;
      }
      if (local === 'kernel') {
        if (target.length === t.shape.length + 1) {
          t = inflateKernel(t, target[0]);
          result.inflated++;
        }
        const r = target.length;
        if (module === 'conv1' && t.shape.length === r && t.shape[r - 2] !== target[r - 2] &&
            t.shape.slice(0, r - 2).every((d, i) => d === target[i]) && t.shape[r - 1] === target[r - 1]) {
          t = tileInputChannels(t, target[r - 2]);
          result.tiledInput = true;
        }
      }
      if (t.shape.length !== target.length || t.shape.some((d, i) => d !== target[i])) {
        tf.dispose(values);
        tf.dispose(pending.flatMap(([, v]) => v));
        throw modelError(fn, `weight '${key}' has shape ${shapeText(t.shape)} but layer '${layer.name}' expects ` +
          `${shapeText(target)} (${w.name}).`);
      }
      values.push(tf.tensor(t.data, t.shape));
    }
    pending.push([layer, values]);
  }
  if (missing.length > 0) {
    tf.dispose(pending.flatMap(([, v]) => v));
    throw modelError(fn, `the weights lack ${missing.length} tensor(s) the model needs, got none for ` +
      `${missing.slice(0, 5).map((k) => `'${k}'`).join(', ')}${missing.length > 5 ? ', …' : ''}.`);
  }
  if (pending.length === 0) {
    throw modelError(fn, `model '${model.name}' has no 'encoder_*' layer with weights, got layers ` +
      `${model.layers.slice(0, 3).map((l) => l.name).join(', ')}, ….`);
  }
  for (const [layer, values] of pending) {
    layer.setWeights(values);
    tf.dispose(values);
    result.layers++;
  }
  return result;
}
