import type { Volume } from '../volume';
import { applyAxisTaps, type AxisTaps } from './axis-taps';
import { otsuThreshold } from './otsu-threshold';
import { adaptivePoolTaps } from './resize';

/** Options of {@link n4BiasFieldCorrection}; defaults follow ITK's N4 settings of the shared reference. */
export interface N4Options {
  /** Mask (same grid; non-zero = fit here). Default: Otsu threshold of the image (200 bins). */
  mask?: Volume;
  /** Shrink factors per file axis `[x, y, z]` for the fit. Default `[4, 4, 1]`. */
  shrink?: readonly number[];
  /** Iterations per fitting level; the number of levels is its length. Default `[10, 10, 10, 10]`. */
  iterations?: readonly number[];
  /** B-spline spans per axis at the first level (control points = spans + 3), doubling per level. Default 1 (ITK's 4 control points). */
  initialSpans?: number;
  /** Stop a level when the largest log-field update inside the mask falls below this. Default 1e-3. */
  convergence?: number;
  /** Histogram bins of the sharpening step. Default 200. */
  bins?: number;
  /** FWHM of the bias-field blur in log-intensity units. Default 0.15. */
  fwhm?: number;
  /** Wiener filter noise. Default 0.01. */
  wienerNoise?: number;
}

/** Result of {@link n4BiasFieldCorrection}. */
export interface N4Result {
  /** `image / exp(logBias)`, float32 (0 where the image is <= 0). */
  corrected: Volume;
  /** The log bias field at full resolution (defined up to a constant). */
  logBias: Volume;
  /** The mask used. */
  mask: Uint8Array;
  /** Iterations run per level. */
  iterations: number[];
}

function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const ar = re[i + k + len / 2] * cr - im[i + k + len / 2] * ci;
        const ai = re[i + k + len / 2] * ci + im[i + k + len / 2] * cr;
        re[i + k + len / 2] = re[i + k] - ar;
        im[i + k + len / 2] = im[i + k] - ai;
        re[i + k] += ar;
        im[i + k] += ai;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
  if (inverse) for (let i = 0; i < n; i++) { re[i] /= n; im[i] /= n; }
}

/**
 * N4's histogram sharpening (Tustison et al. 2010, as ITK implements it): deconvolve the log-intensity histogram by a
 * Gaussian of `fwhm` with a Wiener filter, then map each value to its expected sharpened value. Returns the sharpened
 * value of every masked entry of `v` (others untouched).
 */
export function sharpenLogIntensities(v: Float64Array, maskIdx: Int32Array, bins: number, fwhm: number, noise: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of maskIdx) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  const out = Float64Array.from(v);
  if (!(hi > lo)) return out;
  const slope = (hi - lo) / (bins - 1);
  const H = new Float64Array(bins);
  for (const i of maskIdx) {
    const c = (v[i] - lo) / slope;
    const k = Math.floor(c);
    const f = c - k;
    H[k] += 1 - f;
    if (k + 1 < bins) H[k + 1] += f;
  }
  const size = 2 ** (Math.ceil(Math.log2(bins)) + 1);
  const offset = Math.floor(0.5 * (size - bins));
  const Vr = new Float64Array(size);
  const Vi = new Float64Array(size);
  for (let k = 0; k < bins; k++) Vr[k + offset] = H[k];
  fft(Vr, Vi, false);
  const sf = fwhm / slope;
  const expF = (4 * Math.log(2)) / (sf * sf);
  const scale = (2 * Math.sqrt(Math.log(2) / Math.PI)) / sf;
  const Fr = new Float64Array(size);
  const Fi = new Float64Array(size);
  Fr[0] = scale;
  for (let k = 1; k <= size / 2; k++) Fr[k] = Fr[size - k] = scale * Math.exp(-k * k * expF);
  fft(Fr, Fi, false);
  // U = V * conj(F) / (|F|^2 + noise)
  const Ur = new Float64Array(size);
  const Ui = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const d = Fr[k] * Fr[k] + Fi[k] * Fi[k] + noise;
    const gr = Fr[k] / d;
    const gi = -Fi[k] / d;
    Ur[k] = Vr[k] * gr - Vi[k] * gi;
    Ui[k] = Vr[k] * gi + Vi[k] * gr;
  }
  fft(Ur, Ui, true);
  const U = Ur.map((x) => Math.max(0, x));
  const convolveF = (x: Float64Array): Float64Array => {
    const r = Float64Array.from(x);
    const i = new Float64Array(size);
    fft(r, i, false);
    for (let k = 0; k < size; k++) {
      const a = r[k] * Fr[k] - i[k] * Fi[k];
      i[k] = r[k] * Fi[k] + i[k] * Fr[k];
      r[k] = a;
    }
    fft(r, i, true);
    return r;
  };
  const num = convolveF(U.map((x, k) => x * (lo + (k - offset) * slope)));
  const den = convolveF(U);
  const E = new Float64Array(bins);
  for (let k = 0; k < bins; k++) E[k] = den[k + offset] !== 0 ? num[k + offset] / den[k + offset] : 0;
  for (const i of maskIdx) {
    const c = (v[i] - lo) / slope;
    const k = Math.floor(c);
    out[i] = k < bins - 1 ? E[k] + (E[k + 1] - E[k]) * (c - k) : E[bins - 1];
  }
  return out;
}

/** Cubic B-spline taps mapping `cp` control points to `n` samples spread over [0, n - 1] with `spans` spans. */
function bsplineTaps(n: number, spans: number, sampleStep = 1, sampleOffset = 0, domain = n): AxisTaps {
  const index: Int32Array[] = [];
  const weight: Float64Array[] = [];
  for (let t = 0; t < n; t++) {
    const pos = sampleOffset + t * sampleStep; // position in fit-grid units
    const u = domain > 1 ? Math.min(Math.max((pos * spans) / (domain - 1), 0), spans) : 0;
    const s = Math.min(Math.floor(u), spans - 1);
    const f = u - s;
    const b = [(1 - f) ** 3 / 6, (3 * f ** 3 - 6 * f ** 2 + 4) / 6, (-3 * f ** 3 + 3 * f ** 2 + 3 * f + 1) / 6, f ** 3 / 6];
    index.push(Int32Array.of(s, s + 1, s + 2, s + 3));
    weight.push(Float64Array.from(b));
  }
  return { index, weight };
}

function transposeTaps(t: AxisTaps, inLen: number): AxisTaps {
  const ids: number[][] = Array.from({ length: inLen }, () => []);
  const ws: number[][] = Array.from({ length: inLen }, () => []);
  t.index.forEach((idx, o) => idx.forEach((j, k) => { ids[j].push(o); ws[j].push(t.weight[o][k]); }));
  return { index: ids.map((a) => Int32Array.from(a)), weight: ws.map((a) => Float64Array.from(a)) };
}

/**
 * Least-squares cubic B-spline fit (tensor product, `spans` per axis) of `values` at the voxels where `w` = 1 on a C-order
 * grid `dims`, by conjugate gradients on the ridge-regularised normal equations (A^T W A + lambda) c = A^T W v, with A
 * applied separably. Returns the control coefficients (C-order, (spans + 3)^3).
 */
function fitBSpline(values: Float64Array, w: Uint8Array, dims: number[], spans: number, iters = 12): Float64Array {
  const cp = spans + 3;
  const A = dims.map((n) => bsplineTaps(n, spans));
  const At = A.map((t) => transposeTaps(t, cp));
  const cdims = [cp, cp, cp];
  const forward = (c: ArrayLike<number>): Float64Array => Float64Array.from(applyAxisTaps(c, cdims, A).data);
  const backward = (r: ArrayLike<number>): Float64Array => Float64Array.from(applyAxisTaps(r, dims, At).data);
  const wv = values.map((x, i) => (w[i] ? x : 0));
  const b = backward(wv);
  const count = w.reduce((s, x) => s + x, 0);
  const lambda = (1e-4 * count) / cp ** 3;
  const normal = (c: Float64Array): Float64Array => {
    const r = forward(c);
    for (let i = 0; i < r.length; i++) if (!w[i]) r[i] = 0;
    const out = backward(r);
    for (let i = 0; i < out.length; i++) out[i] += lambda * c[i];
    return out;
  };
  const x = new Float64Array(cp ** 3);
  const r = Float64Array.from(b);
  const p = Float64Array.from(r);
  let rr = r.reduce((s, v) => s + v * v, 0);
  const rr0 = rr;
  for (let k = 0; k < iters && rr > 1e-12 * rr0; k++) {
    const Ap = normal(p);
    const alpha = rr / p.reduce((s, v, i) => s + v * Ap[i], 0);
    for (let i = 0; i < x.length; i++) { x[i] += alpha * p[i]; r[i] -= alpha * Ap[i]; }
    const rrNew = r.reduce((s, v) => s + v * v, 0);
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
  }
  return x;
}

/**
 * A simplified N4 bias-field correction (after Tustison et al., IEEE TMI 2010): on a shrunk copy, iterate
 * "sharpen the log-intensity histogram (Wiener deconvolution of a Gaussian, as N4) -> residual = log image - bias -
 * sharpened -> least-squares cubic B-spline fit of the residual inside the mask -> add to the log bias", over levels
 * whose B-spline spans double (1, 2, 4, 8 spans = 4, 5, 7, 11 control points per axis). The summed B-spline fits are
 * evaluated at full resolution. Differences from ITK: least-squares fits instead of BSplineScatteredData's
 * approximation, averaging instead of subsampling when shrinking, and a max-update stopping rule.
 *
 * On the shared PI-CAI T2W its log field correlates with ITK 5.2's inside the Otsu mask with r = 0.979 at the defaults (10 s on one slow core) and r = 0.974 with shrink [8, 8, 1] and 5 iterations per level (4 s; see test).
 */
export function n4BiasFieldCorrection(image: Volume, options: N4Options = {}): N4Result {
  const fn = 'n4BiasFieldCorrection';
  if (image.shape.length !== 3) throw new Error(`Error in ${fn}: expected a 3-D volume, got shape [${image.shape.join(', ')}].`);
  const [nx, ny, nz] = image.shape;
  const n = nx * ny * nz;
  const src = image.data;
  let mask: Uint8Array;
  if (options.mask) {
    if (options.mask.shape.join() !== image.shape.join()) {
      throw new Error(`Error in ${fn}: mask shape must equal the image shape [${image.shape.join(', ')}], got [${options.mask.shape.join(', ')}].`);
    }
    mask = Uint8Array.from(options.mask.data as ArrayLike<number>, (v) => (v !== 0 ? 1 : 0));
  } else {
    const th = otsuThreshold(src, 200);
    mask = Uint8Array.from(src as ArrayLike<number>, (v) => (v > th ? 1 : 0));
  }
  for (let i = 0; i < n; i++) if (!(src[i] > 0)) mask[i] = 0;
  const shrink = options.shrink ?? [4, 4, 1];
  const dims = [nz, ny, nx];
  const sdims = [Math.max(1, Math.round(nz / shrink[2])), Math.max(1, Math.round(ny / shrink[1])), Math.max(1, Math.round(nx / shrink[0]))];
  // log image and mask on the shrunk grid (mask-weighted averages)
  const logImg = new Float32Array(n);
  const m32 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      logImg[i] = Math.log(src[i] as number);
      m32[i] = 1;
    }
  }
  const pool = dims.map((d, a) => adaptivePoolTaps(d, sdims[a]));
  const sumLog = applyAxisTaps(logImg, dims, pool).data;
  const frac = applyAxisTaps(m32, dims, pool).data;
  const sn = sdims[0] * sdims[1] * sdims[2];
  const L = new Float64Array(sn);
  const w = new Uint8Array(sn);
  for (let i = 0; i < sn; i++) {
    if (frac[i] >= 0.5) {
      w[i] = 1;
      L[i] = sumLog[i] / frac[i];
    }
  }
  const maskIdx = Int32Array.from(w.reduce<number[]>((a, v, i) => (v ? (a.push(i), a) : a), []));
  const iterations = options.iterations ?? [10, 10, 10, 10];
  const bins = options.bins ?? 200;
  const fwhm = options.fwhm ?? 0.15;
  const noise = options.wienerNoise ?? 0.01;
  const tol = options.convergence ?? 1e-3;
  const spans0 = options.initialSpans ?? 1;
  const bias = new Float64Array(sn);
  const coeffs: { spans: number; c: Float64Array }[] = [];
  const ran: number[] = [];
  for (let level = 0; level < iterations.length; level++) {
    const spans = spans0 * 2 ** level;
    const total = new Float64Array((spans + 3) ** 3);
    const A = sdims.map((d) => bsplineTaps(d, spans));
    let it = 0;
    for (; it < iterations[level]; it++) {
      const corrected = new Float64Array(sn);
      for (const i of maskIdx) corrected[i] = L[i] - bias[i];
      const sharp = sharpenLogIntensities(corrected, maskIdx, bins, fwhm, noise);
      const residual = new Float64Array(sn);
      for (const i of maskIdx) residual[i] = corrected[i] - sharp[i];
      const c = fitBSpline(residual, w, sdims, spans);
      for (let k = 0; k < c.length; k++) total[k] += c[k];
      const update = applyAxisTaps(c, [spans + 3, spans + 3, spans + 3], A).data;
      let maxUpdate = 0;
      for (let i = 0; i < sn; i++) {
        bias[i] += update[i];
        if (w[i] && Math.abs(update[i]) > maxUpdate) maxUpdate = Math.abs(update[i]);
      }
      if (maxUpdate < tol) {
        it++;
        break;
      }
    }
    ran.push(it);
    coeffs.push({ spans, c: total });
  }
  // full-resolution field: the fit grid's voxel s covers full voxels [s * f, (s + 1) * f); its centre sits at s * f + (f - 1) / 2
  const full = new Float64Array(n);
  for (const { spans, c } of coeffs) {
    const taps = dims.map((d, a) => {
      const f = d / sdims[a];
      return bsplineTaps(d, spans, 1 / f, -(f - 1) / 2 / f, sdims[a]);
    });
    const v = applyAxisTaps(c, [spans + 3, spans + 3, spans + 3], taps).data;
    for (let i = 0; i < n; i++) full[i] += v[i];
  }
  // defined up to a constant: centre on the mask mean
  let mean = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++) if (mask[i]) { mean += full[i]; cnt++; }
  mean = cnt ? mean / cnt : 0;
  const logBias = new Float32Array(n);
  const corrected = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    logBias[i] = full[i] - mean;
    corrected[i] = (src[i] as number) > 0 ? (src[i] as number) / Math.exp(logBias[i]) : 0;
  }
  const geom = { shape: image.shape.slice(0, 3), spacing: image.spacing.slice(0, 3), affine: image.affine.map((r) => r.slice()), source: image.source };
  return { corrected: { ...geom, data: corrected, dtype: 'float32' }, logBias: { ...geom, data: logBias, dtype: 'float32' }, mask, iterations: ran };
}
