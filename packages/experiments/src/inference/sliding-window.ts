import * as tf from '@tensorflow/tfjs-core';

export interface SlidingWindowOptions {
  /** Fraction of each window shared with its neighbour, default 0.25. */
  overlap?: number;
  /** `'gaussian'` (default) weights each window's centre more; `'constant'` averages uniformly. */
  mode?: 'gaussian' | 'constant';
  /** Gaussian sigma as a fraction of the window size, default 0.125. */
  sigmaScale?: number;
}

/** MONAI's window starts along one axis: step `roi·(1 - overlap)`, the last window flush with the end. */
export function windowStarts(size: number, roi: number, overlap: number): number[] {
  if (roi >= size) return [0];
  const interval = Math.max(Math.floor(roi * (1 - overlap)), 1);
  const starts: number[] = [];
  for (let i = 0; ; i++) {
    const start = Math.min(i * interval, size - roi);
    starts.push(start);
    if (i * interval + roi >= size) break;
  }
  return starts;
}

/** Importance map of one window, C-order over `roi`: a Gaussian centred at `roi // 2`, max 1, zeros clamped. */
export function importanceMap(roi: readonly number[], mode: 'gaussian' | 'constant', sigmaScale: number): Float32Array {
  const n = roi.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n).fill(1);
  if (mode === 'constant') return out;
  const profiles = roi.map((len) => {
    const sigma = Math.max(len * sigmaScale, 1e-6);
    const c = Math.floor(len / 2);
    return Float64Array.from({ length: len }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  });
  let minPositive = Infinity;
  for (let i = 0; i < n; i++) {
    let rest = i;
    let v = 1;
    for (let a = roi.length - 1; a >= 0; a--) {
      v *= profiles[a][rest % roi[a]];
      rest = Math.floor(rest / roi[a]);
    }
    out[i] = v;
    if (v > 0 && v < minPositive) minPositive = v;
  }
  for (let i = 0; i < n; i++) if (out[i] < minPositive) out[i] = minPositive;
  return out;
}

/**
 * Sliding-window inference over a whole volume with MONAI's `sliding_window_inference` semantics: windows of
 * `roiSize` overlapping by `overlap`, the last one flush with the border, inputs smaller than the window padded
 * symmetrically with zeros, and each output voxel the importance-weighted mean of the windows covering it.
 *
 * @param image `[1, ...spatial, C]` (channels-last, batch 1).
 * @param predictor maps a window `[1, ...roiSize, C]` to `[1, ...roiSize, K]` (e.g. `x => model.predict(x)`).
 * @returns `[1, ...spatial, K]` (each window's output is read asynchronously and accumulated on the host).
 */
export async function slidingWindowInference(
  image: tf.Tensor,
  roiSize: readonly number[],
  predictor: (window: tf.Tensor) => tf.Tensor,
  options: SlidingWindowOptions = {},
): Promise<tf.Tensor> {
  const { overlap = 0.25, mode = 'gaussian', sigmaScale = 0.125 } = options;
  const spatial = image.shape.slice(1, -1);
  if (image.shape[0] !== 1 || roiSize.length !== spatial.length) {
    throw new Error(
      `Error in slidingWindowInference: image must be [1, ...spatial, C] with ${roiSize.length} spatial axes to match roiSize [${roiSize}], got [${image.shape}].`,
    );
  }
  if (!(overlap >= 0 && overlap < 1)) throw new Error(`Error in slidingWindowInference: overlap must be in [0, 1), got ${overlap}.`);
  const padBefore = spatial.map((s, i) => Math.floor(Math.max(roiSize[i] - s, 0) / 2));
  const padded = spatial.map((s, i) => Math.max(s, roiSize[i]));
  const input = tf.pad(image, [[0, 0], ...spatial.map((s, i): [number, number] => [padBefore[i], padded[i] - s - padBefore[i]]), [0, 0]]);
  const weights = importanceMap(roiSize, mode, sigmaScale);
  const roiN = weights.length;
  const starts = padded.map((s, i) => windowStarts(s, roiSize[i], overlap));
  const total = padded.reduce((a, b) => a * b, 1);
  let channels = 0;
  let acc = new Float32Array(0);
  const norm = new Float32Array(total);
  const strides = padded.map((_, a) => padded.slice(a + 1).reduce((x, y) => x * y, 1));
  const combos = starts.reduce<number[][]>((list, s) => list.flatMap((prefix) => s.map((v) => [...prefix, v])), [[]]);
  for (const origin of combos) {
    const out = tf.tidy(() => predictor(tf.slice(input, [0, ...origin, 0], [1, ...roiSize, -1])));
    const k = out.shape[out.rank - 1];
    if (channels === 0) {
      channels = k;
      acc = new Float32Array(total * k);
    }
    const values = await out.data();
    out.dispose();
    for (let i = 0; i < roiN; i++) {
      let rest = i;
      let flat = 0;
      for (let a = roiSize.length - 1; a >= 0; a--) {
        flat += (origin[a] + (rest % roiSize[a])) * strides[a];
        rest = Math.floor(rest / roiSize[a]);
      }
      const w = weights[i];
      norm[flat] += w;
      for (let c = 0; c < k; c++) acc[flat * k + c] += values[i * k + c] * w;
    }
  }
  input.dispose();
  for (let i = 0; i < total; i++) for (let c = 0; c < channels; c++) acc[i * channels + c] /= norm[i];
  return tf.tidy(() => tf.slice(tf.tensor(acc, [1, ...padded, channels]), [0, ...padBefore, 0], [1, ...spatial, channels]));
}
