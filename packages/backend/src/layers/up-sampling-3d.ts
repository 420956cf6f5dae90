import * as tf from '@tensorflow/tfjs-core';
import { layers as tflLayers } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

/** Interpolation modes of `UpSampling3D`. `'trilinear'` uses half-pixel centres (PyTorch `align_corners=False`). */
export type UpSampling3DInterpolation = 'nearest' | 'trilinear';

/** Arguments of `upSampling3d`. */
export interface UpSampling3DLayerArgs extends LayerArgs {
  /** Upsampling factors for depth, height and width. A number applies to all three. Default 2. */
  size?: number | [number, number, number];
  /** `'nearest'` (default) or `'trilinear'`. */
  interpolation?: UpSampling3DInterpolation;
  /** Only `'channelsLast'` ([N, D, H, W, C]) is supported. */
  dataFormat?: 'channelsLast';
}

/** Nearest-neighbour repeat of axis 1 of a [A, L, B] tensor by `s`. */
function repeatAxis(x3: tf.Tensor3D, s: number): tf.Tensor3D {
  const [a, l, b] = x3.shape;
  // A broadcasting multiply (its gradient is a sum): much faster than broadcastTo/Tile on wasm.
  return tf.reshape(tf.mul(tf.reshape(x3, [a, l, 1, b]), tf.ones([1, 1, s, 1])), [a, l * s, b]);
}

/** Linear (half-pixel, edge-clamped) upsampling of axis 1 of a [A, L, B] tensor by integer `s`. */
function linearAxis(x3: tf.Tensor3D, s: number): tf.Tensor3D {
  const [a, l, b] = x3.shape;
  if (l === 1) return repeatAxis(x3, s);
  const prev = tf.concat([tf.slice(x3, [0, 0, 0], [a, 1, b]), tf.slice(x3, [0, 0, 0], [a, l - 1, b])], 1);
  const next = tf.concat([tf.slice(x3, [0, 1, 0], [a, l - 1, b]), tf.slice(x3, [0, l - 1, 0], [a, 1, b])], 1);
  const phases: tf.Tensor3D[] = [];
  for (let r = 0; r < s; r++) {
    const f = (r + 0.5) / s - 0.5;
    if (f === 0) phases.push(x3);
    else if (f < 0) phases.push(tf.add(tf.mul(x3, 1 + f), tf.mul(prev, -f)));
    else phases.push(tf.add(tf.mul(x3, 1 - f), tf.mul(next, f)));
  }
  return tf.reshape(tf.stack(phases, 2), [a, l * s, b]);
}

/**
 * Upsample a [N, D, H, W, C] tensor by integer factors, one axis at a time.
 * Differentiable with ops every backend has (reshape, broadcast, slice, concat, stack).
 */
export function upSample3d(x: tf.Tensor5D, size: [number, number, number], interpolation: UpSampling3DInterpolation): tf.Tensor5D {
  return tf.tidy(() => {
    const shape = x.shape.slice() as [number, number, number, number, number];
    let y: tf.Tensor = x;
    for (let ax = 1; ax <= 3; ax++) {
      const s = size[ax - 1];
      if (s === 1) continue;
      let outer = 1;
      for (let i = 0; i < ax; i++) outer *= shape[i];
      let inner = 1;
      for (let i = ax + 1; i < 5; i++) inner *= shape[i];
      const x3 = tf.reshape(y, [outer, shape[ax], inner]) as tf.Tensor3D;
      y = interpolation === 'nearest' ? repeatAxis(x3, s) : linearAxis(x3, s);
      shape[ax] *= s;
    }
    return tf.reshape(y, shape);
  });
}

/**
 * 3-D upsampling layer (channels last), nearest or trilinear.
 * Output shape [N, D*sd, H*sh, W*sw, C].
 */
export class UpSampling3D extends tflLayers.Layer {
  static className = 'UpSampling3D';
  readonly size: [number, number, number];
  readonly interpolation: UpSampling3DInterpolation;

  constructor(args: UpSampling3DLayerArgs = {}) {
    super(args);
    const size = args.size ?? 2;
    this.size = typeof size === 'number' ? [size, size, size] : [size[0], size[1], size[2]];
    if (this.size.length !== 3 || !this.size.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new Error(`Error in upSampling3d: size must be a positive integer or three of them, got ${JSON.stringify(args.size)}.`);
    }
    this.interpolation = args.interpolation ?? 'nearest';
    if (this.interpolation !== 'nearest' && this.interpolation !== 'trilinear') {
      throw new Error(`Error in upSampling3d: unsupported interpolation ${JSON.stringify(args.interpolation)}, available options are ["nearest", "trilinear"].`);
    }
    if (args.dataFormat != null && args.dataFormat !== 'channelsLast') {
      throw new Error(`Error in upSampling3d: only dataFormat "channelsLast" is supported, got ${JSON.stringify(args.dataFormat)}.`);
    }
    this.inputSpec = [{ ndim: 5 }];
  }

  override computeOutputShape(inputShape: (number | null)[] | (number | null)[][]): (number | null)[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    return [s[0], ...[1, 2, 3].map((ax) => (s[ax] == null ? null : (s[ax] as number) * this.size[ax - 1])), s[4]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 5) throw new Error(`Error in upSampling3d: input must be rank 5, got rank ${x.rank}.`);
    return upSample3d(x as tf.Tensor5D, this.size, this.interpolation);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, interpolation: this.interpolation, dataFormat: 'channelsLast' };
  }
}
tf.serialization.registerClass(UpSampling3D);

/**
 * 3-D upsampling layer, nearest or trilinear.
 *
 * @example
 * const up = upSampling3d({ size: 2, interpolation: 'trilinear' });
 * up.apply(tf.ones([1, 4, 8, 8, 3])); // [1, 8, 16, 16, 3]
 */
export function upSampling3d(args?: UpSampling3DLayerArgs): UpSampling3D {
  return new UpSampling3D(args);
}
