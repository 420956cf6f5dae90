import type { Rng } from '../random';
import { checkSample, type AugmentSample } from './augment-sample';

/** Options of {@link randomAffine}. Ranges are symmetric: a value r draws uniformly in [-r, r]. */
export interface RandomAffineOptions {
  /** Probability. Default 0.2 (paper / authors' code). */
  prob?: number;
  /**
   * Rotation ranges in radians about the D, H and W axes. Default `[PI / 12, 0, 0]`: in-plane rotation up to 15
   * degrees only, since through-plane rotations of anisotropic voxels (2.4 vs 0.6 mm) distort.
   */
  rotateRange?: readonly number[];
  /** Translation ranges in voxels `[D, H, W]`. Default `[2, 10, 10]` (up to 10 voxels in-plane). */
  translateRange?: readonly number[];
  /** Scale ranges `[D, H, W]`: zoom `1 + s`. Default `[0.1, 0.1, 0.1]`. */
  scaleRange?: readonly number[];
  /** Image values outside the input: `'zeros'` or `'border'` (nearest edge voxel). Default `'border'`. Masks get 0. */
  padding?: 'zeros' | 'border';
}

/** The drawn transform: output voxel `p` samples input voxel `matrix * (p - centre - translate) + centre`. */
export interface AffineDraw {
  angles: number[];
  scales: number[];
  translate: number[];
  matrix: number[][];
}

function matMul(a: number[][], b: number[][]): number[][] {
  return a.map((r) => b[0].map((_, j) => r[0] * b[0][j] + r[1] * b[1][j] + r[2] * b[2][j]));
}

/** Draws the affine parameters (3 angles, 3 scales, 3 translations, in that order). */
export function drawAffine(rng: Rng, options: RandomAffineOptions = {}): AffineDraw {
  const rr = options.rotateRange ?? [Math.PI / 12, 0, 0];
  const tr = options.translateRange ?? [2, 10, 10];
  const sr = options.scaleRange ?? [0.1, 0.1, 0.1];
  const angles = [0, 1, 2].map((a) => (rr[a] ? rng.uniform(-rr[a], rr[a]) : 0));
  const scales = [0, 1, 2].map((a) => 1 + (sr[a] ? rng.uniform(-sr[a], sr[a]) : 0));
  const translate = [0, 1, 2].map((a) => (tr[a] ? rng.uniform(-tr[a], tr[a]) : 0));
  const [a0, a1, a2] = angles;
  // rotation about D mixes (H, W); about H mixes (D, W); about W mixes (D, H). Coordinates (d, h, w).
  const r0 = [[1, 0, 0], [0, Math.cos(a0), -Math.sin(a0)], [0, Math.sin(a0), Math.cos(a0)]];
  const r1 = [[Math.cos(a1), 0, Math.sin(a1)], [0, 1, 0], [-Math.sin(a1), 0, Math.cos(a1)]];
  const r2 = [[Math.cos(a2), -Math.sin(a2), 0], [Math.sin(a2), Math.cos(a2), 0], [0, 0, 1]];
  const rot = matMul(matMul(r0, r1), r2);
  // inverse of (R * S): S^-1 * R^T
  const matrix = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rot[j][i] / scales[i]));
  return { angles, scales, translate, matrix };
}

/**
 * Applies a drawn affine to the sample, returning new arrays: image trilinear, mask and labels nearest (they stay
 * binary / integer).
 */
export function applyAffine(sample: AugmentSample, draw: AffineDraw, padding: 'zeros' | 'border' = 'border'): AugmentSample {
  const C = checkSample('applyAffine', sample);
  const [D, H, W] = sample.shape;
  const m = draw.matrix;
  const c = [(D - 1) / 2, (H - 1) / 2, (W - 1) / 2];
  const t = draw.translate;
  const src = sample.image;
  const image = new Float32Array(src.length);
  const mask = new Uint8Array(sample.mask.length);
  const labels = sample.labels ? new Uint8Array(sample.labels.length) : undefined;
  const border = padding === 'border';
  const clampI = (v: number, n: number): number => (v < 0 ? 0 : v > n - 1 ? n - 1 : v);
  const HW = H * W;
  for (let d = 0, o = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      const qd = d - c[0] - t[0];
      const qh = h - c[1] - t[1];
      for (let w = 0; w < W; w++, o++) {
        const qw = w - c[2] - t[2];
        const pd = m[0][0] * qd + m[0][1] * qh + m[0][2] * qw + c[0];
        const ph = m[1][0] * qd + m[1][1] * qh + m[1][2] * qw + c[1];
        const pw = m[2][0] * qd + m[2][1] * qh + m[2][2] * qw + c[2];
        // nearest for masks
        const nd = Math.round(pd);
        const nh = Math.round(ph);
        const nw = Math.round(pw);
        if (nd >= 0 && nd < D && nh >= 0 && nh < H && nw >= 0 && nw < W) {
          const k = nd * HW + nh * W + nw;
          mask[o] = sample.mask[k];
          if (labels) labels[o] = sample.labels![k];
        }
        const inside = pd > -1 && pd < D && ph > -1 && ph < H && pw > -1 && pw < W;
        if (!inside && !border) continue;
        const d0 = Math.floor(pd);
        const h0 = Math.floor(ph);
        const w0 = Math.floor(pw);
        const fd = pd - d0;
        const fh = ph - h0;
        const fw = pw - w0;
        const oo = o * C;
        for (let k = 0; k < 8; k++) {
          const dd = d0 + (k >> 2);
          const hh = h0 + ((k >> 1) & 1);
          const ww = w0 + (k & 1);
          const wt = ((k >> 2) ? fd : 1 - fd) * (((k >> 1) & 1) ? fh : 1 - fh) * ((k & 1) ? fw : 1 - fw);
          if (wt === 0) continue;
          let idx: number;
          if (dd < 0 || dd >= D || hh < 0 || hh >= H || ww < 0 || ww >= W) {
            if (!border) continue;
            idx = (clampI(dd, D) * HW + clampI(hh, H) * W + clampI(ww, W)) * C;
          } else idx = (dd * HW + hh * W + ww) * C;
          for (let ch = 0; ch < C; ch++) image[oo + ch] += wt * src[idx + ch];
        }
      }
    }
  }
  return { ...sample, image, mask, labels };
}

/**
 * Random affine with probability `prob` (MONAI `RandAffine(prob=0.2, ...)`): rotation, scaling and translation about
 * the volume centre in voxel space. Returns the (possibly new) sample and the draw (undefined when skipped).
 */
export function randomAffine(sample: AugmentSample, rng: Rng, options: RandomAffineOptions = {}): { sample: AugmentSample; draw?: AffineDraw } {
  checkSample('randomAffine', sample);
  if (!rng.bernoulli(options.prob ?? 0.2)) return { sample };
  const draw = drawAffine(rng, options);
  return { sample: applyAffine(sample, draw, options.padding ?? 'border'), draw };
}
