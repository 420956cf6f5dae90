import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Re-initializes every trainable kernel with seeded He-uniform values (biases and BN keep their defaults). */
export function seedWeights(model: tfl.LayersModel, seed: number): void {
  const rand = seededRandom(seed);
  for (const w of model.trainableWeights) {
    if (w.shape.length < 2) continue;
    const shape = w.shape as number[];
    const fanIn = shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const limit = Math.sqrt(6 / fanIn);
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => (rand() * 2 - 1) * limit);
    const t = tf.tensor(data, shape);
    w.write(t);
    t.dispose();
  }
}

/** A centred ellipse/ellipsoid mask `[1, ...spatial, channels]` (channel 0 background when channels = 2). */
export function blobTarget(spatial: number[], channels: number): tf.Tensor {
  const n = spatial.reduce((p, d) => p * d, 1);
  const fg = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let r2 = 0;
    for (let a = spatial.length - 1; a >= 0; a--) {
      const c = rest % spatial[a];
      rest = Math.floor(rest / spatial[a]);
      const u = (c + 0.5 - spatial[a] * (a === spatial.length - 1 ? 0.55 : 0.45)) / (spatial[a] * 0.3);
      r2 += u * u;
    }
    fg[i] = r2 < 1 ? 1 : 0;
  }
  const data = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    if (channels === 1) data[i] = fg[i];
    else { data[i * channels] = 1 - fg[i]; data[i * channels + 1] = fg[i]; }
  }
  return tf.tensor(data, [1, ...spatial, channels]);
}

/** An input image: the target's foreground plus seeded noise, `inChannels` channels. */
export function noisyInput(target: tf.Tensor, inChannels: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const c = target.shape[target.rank - 1];
    const fg = tf.slice(target, new Array(target.rank).fill(0).map((_, i) => (i === target.rank - 1 ? c - 1 : 0)),
      target.shape.map((d, i) => (i === target.rank - 1 ? 1 : d)));
    const rand = seededRandom(seed);
    const shape = [...target.shape.slice(0, -1), inChannels];
    const noise = tf.tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => rand() - 0.5), shape);
    return tf.add(tf.mul(fg, 2), tf.mul(noise, 0.5));
  });
}

/** Soft Dice loss on sigmoid(logits), mean over channels (a tiny stand-in used only in tests). */
export function tinyDice(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits);
    const axes = Array.from({ length: p.rank - 2 }, (_, i) => i + 1);
    const tp = tf.sum(tf.mul(p, yTrue), axes);
    const den = tf.add(tf.sum(p, axes), tf.sum(yTrue, axes));
    return tf.mean(tf.sub(1, tf.div(tf.add(tf.mul(tp, 2), 1e-5), tf.add(den, 1e-5)))) as tf.Scalar;
  });
}

/**
 * Selects a backend for tests through `@afl/backend`'s `initBackend` (which also installs its faster kernels and
 * missing gradients) when that is available, else plain `tf.setBackend`. Returns false when the backend cannot start.
 */
export async function setupBackend(name: 'cpu' | 'wasm'): Promise<boolean> {
  try {
    const backend = require('@afl/backend') as { initBackend?: (o: { backend: string; quiet: boolean }) => Promise<unknown> };
    if (typeof backend.initBackend === 'function') {
      await backend.initBackend({ backend: name, quiet: true });
      return tf.getBackend() === name;
    }
  } catch {
    // fall through to tf.setBackend
  }
  if (name === 'wasm') return false;
  return tf.setBackend(name);
}
