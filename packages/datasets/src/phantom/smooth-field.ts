import { standardNormalTable, type Rng } from '../random';
import { applyAxisTaps, axisTaps } from '../preprocess/axis-taps';

/**
 * A smooth random field on a `[D, H, W]` grid: standard-normal values on a coarse `grid` (per axis, >= 2) upsampled
 * trilinearly (corners aligned) and scaled by `amplitude`. Used for tissue texture.
 */
export function smoothRandomField(rng: Rng, dims: readonly number[], grid: readonly number[], amplitude: number): Float32Array {
  const g = grid.map((n, a) => Math.max(2, Math.min(n, dims[a])));
  const coarse = new Float32Array(g[0] * g[1] * g[2]);
  for (let i = 0; i < coarse.length; i++) coarse[i] = amplitude * rng.normal();
  const taps = dims.map((n, a) => axisTaps(g[a], n, n > 1 ? (g[a] - 1) / (n - 1) : 0, 0, 'linear'));
  return applyAxisTaps(coarse, g, taps).data as Float32Array;
}

/**
 * A multiplicative MR bias field `exp(sum_{i+j+k<=2} c_ijk z^i y^j x^k)` on a `[D, H, W]` grid, coordinates scaled to
 * [-1, 1], random coefficients of standard deviation `strength` (0.2 gives a field within roughly 0.6 .. 1.6).
 */
export function polynomialBiasField(rng: Rng, dims: readonly number[], strength: number): Float32Array {
  const [D, H, W] = dims;
  const c = Array.from({ length: 10 }, () => strength * rng.normal());
  c[0] = 0; // the constant is a global scale; keep the mean level
  const out = new Float32Array(D * H * W);
  const coord = (i: number, n: number): number => (n > 1 ? (2 * i) / (n - 1) - 1 : 0);
  for (let d = 0, i = 0; d < D; d++) {
    const z = coord(d, D);
    for (let h = 0; h < H; h++) {
      const y = coord(h, H);
      const base = c[1] * z + c[2] * y + c[4] * z * z + c[5] * y * y + c[7] * z * y;
      const bx = c[3] + c[8] * z + c[9] * y;
      for (let w = 0; w < W; w++, i++) {
        const x = coord(w, W);
        out[i] = Math.exp(base + bx * x + c[6] * x * x);
      }
    }
  }
  return out;
}

/**
 * Rician noise in place: `v <- sqrt((v + sigma n1)^2 + (sigma n2)^2)` with independent standard normals, the
 * magnitude of complex Gaussian noise that MR magnitude images carry (normals from `standardNormalTable`). `stride`/`offset` address one channel of an
 * interleaved array.
 */
export function addRicianNoise(data: Float32Array, sigma: number, rng: Rng, stride = 1, offset = 0): void {
  if (sigma <= 0) return;
  const t = standardNormalTable();
  for (let i = offset; i < data.length; i += stride) {
    const bits = (rng.next() * 4294967296) >>> 0;
    const re = data[i] + sigma * t[bits & 0xffff];
    const im = sigma * t[bits >>> 16];
    data[i] = Math.sqrt(re * re + im * im);
  }
}
