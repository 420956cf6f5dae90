import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];

type Kwargs = { [key: string]: unknown };

export interface UpSampling3DArgs {
  /** Integer factors along [D, H, W]. */
  size: [number, number, number];
  name?: string;
}

/**
 * Nearest-neighbour up-sampling of a `[B, D, H, W, C]` tensor by integer factors along D, H and W.
 * Built from reshape + broadcast multiply, so it has gradients on every backend.
 * Used for 3-D models until `@afl/backend` provides `layers.upSampling3d`.
 */
export class UpSampling3D extends layers.Layer {
  static className = 'AflUpSampling3D';
  readonly size: [number, number, number];

  constructor(args: UpSampling3DArgs) {
    super({ name: args.name });
    if (!Array.isArray(args.size) || args.size.length !== 3 || args.size.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new Error(`Error in UpSampling3D: size must be three positive integers, got ${JSON.stringify(args.size)}.`);
    }
    this.size = [...args.size] as [number, number, number];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], ...[1, 2, 3].map((i) => (s[i] == null ? null : (s[i] as number) * this.size[i - 1])), s[4]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [b, d, h, w, c] = x.shape;
      const [sd, sh, sw] = this.size;
      if (sd === 1 && sh === 1 && sw === 1) return tf.clone(x);
      const expanded = tf.reshape(x, [b, d, 1, h, 1, w, 1, c]);
      const ones = tf.ones([1, 1, sd, 1, sh, 1, sw, 1]);
      return tf.reshape(tf.mul(expanded, ones), [b, d * sd, h * sh, w * sw, c]);
    });
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), size: [...this.size] };
  }
}
serialization.registerClass(UpSampling3D);
