import { NamedTensor } from './state-dict';

/**
 * Inflates a 2-D kernel `[kh, kw, in, out]` to 3-D `[kd, kh, kw, in, out]` (Carreira & Zisserman, I3D,
 * https://arxiv.org/abs/1705.07750): the kernel repeated `kd` times along depth and divided by `kd`, so a volume whose
 * depth slices are all the same image gives the 2-D response on that image.
 */
export function inflateKernel(kernel: NamedTensor, kd: number): NamedTensor {
  const n = kernel.data.length;
  const data = new Float32Array(n * kd);
  for (let d = 0; d < kd; d++) for (let i = 0; i < n; i++) data[d * n + i] = kernel.data[i] / kd;
  return { shape: [kd, ...kernel.shape], data };
}

/**
 * Adapts a first-layer kernel `[...k, inSrc, out]` to `inDst` input channels: channel `c` takes the source channel
 * `c mod inSrc`, all scaled by `inSrc / inDst` (so an input that repeats the image over its channels gives the
 * original response).
 */
export function tileInputChannels(kernel: NamedTensor, inDst: number): NamedTensor {
  const r = kernel.shape.length;
  const inSrc = kernel.shape[r - 2];
  const out = kernel.shape[r - 1];
  const spatial = kernel.data.length / (inSrc * out);
  const data = new Float32Array(spatial * inDst * out);
  const scale = inSrc / inDst;
  for (let s = 0; s < spatial; s++) {
    for (let c = 0; c < inDst; c++) {
      const src = (s * inSrc + (c % inSrc)) * out;
      const dst = (s * inDst + c) * out;
      for (let o = 0; o < out; o++) data[dst + o] = kernel.data[src + o] * scale;
    }
  }
  return { shape: [...kernel.shape.slice(0, r - 2), inDst, out], data };
}
