import { serialization } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layers as backendLayers, UpSampling3D } from '@afl/backend';
import { modelError } from '../errors';

type Layer = tfl.layers.Layer;
export type SpatialDims = 2 | 3;
/** One down-sampling factor: the same along every spatial axis, or one per axis ([H, W] or [D, H, W]). */
export type StrideSpec = number | number[];

/**
 * The layer constructors whose 3-D versions stock tfjs-layers 4.22 cannot train (rank-5 batch norm, conv3dTranspose
 * gradient, upSampling3d). They come from `@afl/backend`; {@link setLayerFactories} swaps in others.
 */
export interface LayerFactories {
  batchNormalization(args: Record<string, unknown>): Layer;
  upSampling3d(args: { size: number[]; name?: string }): Layer;
  conv3dTranspose(args: Record<string, unknown>): Layer;
}

const backendFactories: LayerFactories = {
  batchNormalization: (a) => backendLayers.batchNormalization(a as never),
  upSampling3d: (a) => backendLayers.upSampling3d({ size: a.size as [number, number, number], name: a.name,
    interpolation: 'nearest' }),
  conv3dTranspose: (a) => backendLayers.conv3dTranspose(a as never),
};

let factories: LayerFactories = backendFactories;

/**
 * Models saved by earlier versions of this package, built without `@afl/backend`'s layers, name their 3-D
 * up-sampling `AflUpSampling3D` (nearest, `size` [D, H, W]): the same layer as `@afl/backend`'s `UpSampling3D`,
 * registered under that name too so that they still load.
 */
class LegacyAflUpSampling3D extends UpSampling3D {
  static override className = 'AflUpSampling3D';
}
serialization.registerClass(LegacyAflUpSampling3D);

/** Replaces the layer factories used for batch norm, 3-D up-sampling and 3-D transposed convolution. */
export function setLayerFactories(next: Partial<LayerFactories>): void {
  factories = { ...factories, ...next };
}

/**
 * Whether 3-D models can run forward/backward (a rank-5 batch norm is available). Always true since `@afl/backend`
 * (a dependency) provides the layers; kept for callers that check it.
 */
export function has3dTraining(): boolean {
  return typeof factories.batchNormalization === 'function';
}

/** Expands a stride spec to one integer per spatial axis. */
export function strideVector(fn: string, spatialDims: SpatialDims, s: StrideSpec): number[] {
  const v = Array.isArray(s) ? [...s] : new Array<number>(spatialDims).fill(s);
  if (v.length !== spatialDims || v.some((x) => !Number.isInteger(x) || x < 1)) {
    throw modelError(fn, `each stride must be a positive integer or ${spatialDims} of them, got ${JSON.stringify(s)}.`);
  }
  return v;
}

/** Normalizes per-level strides (default 2 everywhere) to `count` vectors. */
export function normalizeStrides(fn: string, spatialDims: SpatialDims, strides: StrideSpec[] | undefined,
  count: number): number[][] {
  if (strides === undefined) return Array.from({ length: count }, () => new Array<number>(spatialDims).fill(2));
  if (!Array.isArray(strides) || strides.length !== count) {
    throw modelError(fn, `strides must list ${count} down-sampling steps, got ${JSON.stringify(strides)}.`);
  }
  return strides.map((s) => strideVector(fn, spatialDims, s));
}

const AXIS_NAMES: Record<SpatialDims, string[]> = { 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

/**
 * Checks `inputShape` (spatial) has `spatialDims` entries, each divisible by the product of the strides along it.
 * Returns the full Keras input shape `[...spatial, channels]` (spatial `null` when `inputShape` is undefined).
 */
export function checkInputShape(fn: string, spatialDims: SpatialDims, inChannels: number,
  inputShape: number[] | undefined, strides: number[][]): (number | null)[] {
  if (spatialDims !== 2 && spatialDims !== 3) {
    throw modelError(fn, `spatialDims must be 2 or 3, got ${JSON.stringify(spatialDims)}.`);
  }
  if (!Number.isInteger(inChannels) || inChannels < 1) {
    throw modelError(fn, `inChannels must be a positive integer, got ${JSON.stringify(inChannels)}.`);
  }
  if (inputShape === undefined) return [...new Array<null>(spatialDims).fill(null), inChannels];
  if (!Array.isArray(inputShape) || inputShape.length !== spatialDims) {
    throw modelError(fn, `inputShape must give the ${spatialDims} spatial sizes ` +
      `[${AXIS_NAMES[spatialDims].join(', ')}], got ${JSON.stringify(inputShape)}.`);
  }
  inputShape.forEach((size, i) => {
    const total = strides.reduce((p, s) => p * s[i], 1);
    if (!Number.isInteger(size) || size < 1 || size % total !== 0) {
      throw modelError(fn, `input size along ${AXIS_NAMES[spatialDims][i]} (axis ${i}) must be a positive multiple ` +
        `of the product of the strides along it (${total}), got ${size}.`);
    }
  });
  return [...inputShape, inChannels];
}

/** Builds a channels-last n-D layer set for `spatialDims`. Convolutions use 'same' padding. */
export function ndLayers(spatialDims: SpatialDims, kernelInitializer = 'heNormal') {
  const three = spatialDims === 3;
  return {
    conv(args: { filters: number; kernelSize: number | number[]; strides?: number | number[]; useBias?: boolean;
      name?: string }): Layer {
      // A 1x1 kernel needs no padding; 'valid' also avoids tfjs-core's conv3d 'same' padding for k = 1, stride 2,
      // which computes a negative front pad and samples the odd voxels (conv2d samples the even ones, as PyTorch).
      const ones = (Array.isArray(args.kernelSize) ? args.kernelSize : [args.kernelSize]).every((k) => k === 1);
      const a = { padding: ones ? 'valid' as const : 'same' as const, kernelInitializer, useBias: true,
        ...args };
      return three ? tfl.layers.conv3d(a as never) : tfl.layers.conv2d(a as never);
    },
    convTranspose(args: { filters: number; kernelSize: number | number[]; strides: number | number[];
      useBias?: boolean; name?: string }): Layer {
      const a = { padding: 'same' as const, kernelInitializer, useBias: true, ...args };
      return three ? factories.conv3dTranspose(a) : tfl.layers.conv2dTranspose(a as never);
    },
    batchNorm(name?: string): Layer {
      // PyTorch's BatchNorm defaults (momentum 0.1 there = 0.9 here, eps 1e-5). Rank 4 uses the stock layer.
      const a = { axis: -1, momentum: 0.9, epsilon: 1e-5, name };
      return three ? factories.batchNormalization(a) : tfl.layers.batchNormalization(a);
    },
    maxPool(poolSize: number[], strides: number[], name?: string): Layer {
      const a = { poolSize, strides, padding: 'same' as const, name };
      return three ? tfl.layers.maxPooling3d(a as never) : tfl.layers.maxPooling2d(a as never);
    },
    upSample(size: number[], name?: string): Layer {
      if (size.every((s) => s === 1)) return tfl.layers.activation({ activation: 'linear', name });
      return three ? factories.upSampling3d({ size, name })
        : tfl.layers.upSampling2d({ size, interpolation: 'nearest', name } as never);
    },
    relu(name?: string): Layer {
      return tfl.layers.reLU({ name });
    },
  };
}
export type NdLayers = ReturnType<typeof ndLayers>;
