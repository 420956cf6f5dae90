import { createRng, deriveSeed } from '../random';
import type { SegmentationCase } from '../segmentation-case';
import { phantomGrid } from './phantom-grid';
import { ellipsoidDepth, paintEllipsoid, randomRadialTerms, type PerturbedEllipsoid } from './perturbed-ellipsoid';
import { addRicianNoise, polynomialBiasField, smoothRandomField } from './smooth-field';

/** Options of {@link generateBrainPhantom}. */
export interface BrainPhantomOptions {
  /** Seed; the same seed and options give identical bytes. */
  seed: number;
  /** `[D, H, W]`, default `[64, 96, 96]` (the paper's BraTS size, 155 x 224 x 224, also works). */
  shape?: readonly number[];
  /** Field of view in mm `[D, H, W]`, default `[155, 224, 224]` (BraTS: 1 mm at 155 x 224 x 224). */
  fovMm?: readonly number[];
  /** Case id, default `phantom-brain-<seed>`. */
  id?: string;
  /** Whole-tumour equivalent radius range in mm (oedema included). Default [18, 40]. */
  tumourRadiusMm?: [number, number];
  /** Boundary irregularity range. Default [0.05, 0.5]. */
  irregularityRange?: [number, number];
  /** Rician noise sigma; default drawn in [0.01, 0.04]. */
  noise?: number;
  /** Bias-field strength; default 0.15. */
  bias?: number;
}

/** Channel order of the brain phantom (BraTS 2018 modalities). */
export const BRAIN_CHANNELS = ['t1', 't1ce', 't2', 'flair'] as const;

// tissue intensities [t1, t1ce, t2, flair]
const TISSUE = {
  scalp: [0.7, 0.72, 0.5, 0.45],
  csf: [0.15, 0.15, 0.95, 0.1],
  gm: [0.5, 0.52, 0.55, 0.55],
  wm: [0.68, 0.68, 0.35, 0.42],
  oedema: [0.45, 0.46, 0.82, 0.88],
  enhancing: [0.5, 0.98, 0.62, 0.7],
  necrosis: [0.2, 0.22, 0.88, 0.45],
} as const;

const C = 4;

const paint = paintEllipsoid;

/**
 * A procedural multi-modal brain MRI volume with a glioma-like tumour of three nested regions, labelled as BraTS
 * does: 2 oedema (outer, bright on T2/FLAIR), 4 enhancing tumour (a shell bright on T1ce), 1 necrosis / non-enhancing
 * core (inner, dark on T1/T1ce). `mask` is the whole tumour {1, 2, 4} (the binary task); `labels` keeps 0/1/2/4;
 * `organ` is the brain. Channels `t1, t1ce, t2, flair`; skull/scalp shell, CSF rim and ventricles, grey and white
 * matter, smooth bias field per channel and Rician noise. Intensities raw (~0 .. 1).
 */
export function generateBrainPhantom(options: BrainPhantomOptions): SegmentationCase {
  const fn = 'generateBrainPhantom';
  const { dims, fov, spacing, n } = phantomGrid(fn, options.shape ?? [64, 96, 96], options.fovMm ?? [155, 224, 224], options.seed);
  const [D, H, W] = dims;
  const edge = Math.max(0.5, (spacing[0] + spacing[1] + spacing[2]) / 3);
  const rng = createRng(deriveSeed(options.seed, 'brain-anatomy'));
  const image = new Float32Array(n * C);
  const c0: [number, number, number] = [fov[0] * 0.5 + rng.uniform(-4, 4), fov[1] * 0.5 + rng.uniform(-4, 4), fov[2] * 0.5 + rng.uniform(-4, 4)];
  const head = [fov[0] * 0.46, fov[1] * 0.42, fov[2] * 0.36].map((r) => r * rng.uniform(0.92, 1.02)) as [number, number, number];
  // nested head layers share one perturbation: one pass over the grid
  const headTerms = randomRadialTerms(rng, 3, 2, 4);
  const layers: { scale: number; amp: number; value: readonly number[] }[] = [
    { scale: 1, amp: 0.03, value: TISSUE.scalp },
    { scale: 0.92, amp: 0.03, value: TISSUE.csf },
    { scale: 0.88, amp: 0.05, value: TISSUE.gm },
    { scale: 0.74, amp: 0.1, value: TISSUE.wm },
  ];
  const organ = new Uint8Array(n);
  const headShape: PerturbedEllipsoid = { center: c0, radii: head, amplitude: 1, terms: headTerms };
  const meanR = (head[0] + head[1] + head[2]) / 3;
  for (let d = 0, i = 0; d < D; d++) {
    const z = (d + 0.5) * spacing[0];
    for (let h = 0; h < H; h++) {
      const y = (h + 0.5) * spacing[1];
      for (let w = 0; w < W; w++, i++) {
        const x = (w + 0.5) * spacing[2];
        // depth of the unit-amplitude shape gives P(n) via depth = (1 + P - rho) * mm
        const dz = (z - c0[0]) / head[0];
        const dy = (y - c0[1]) / head[1];
        const dx = (x - c0[2]) / head[2];
        const rho = Math.sqrt(dz * dz + dy * dy + dx * dx);
        if (rho > 1.1 + 2 * edge / meanR) continue;
        const p = ellipsoidDepth(headShape, z, y, x) / meanR - 1 + rho; // approximately P(n)
        const o = i * C;
        for (let k = 0; k < layers.length; k++) {
          const L = layers[k];
          const depth = (L.scale * (1 + L.amp * p) - rho) * meanR;
          const s2 = depth / edge + 0.5;
          if (s2 <= 0) break;
          const t = s2 >= 1 ? 1 : s2;
          for (let c = 0; c < C; c++) image[o + c] += t * (L.value[c] - image[o + c]);
          if (k === 1 && depth >= 0) organ[i] = 1;
        }
      }
    }
  }
  for (const side of [-1, 1]) {
    const v: PerturbedEllipsoid = {
      center: [c0[0] + head[0] * 0.05, c0[1] - head[1] * 0.05, c0[2] + side * head[2] * 0.13],
      radii: [head[0] * 0.18, head[1] * 0.38, head[2] * 0.08],
      amplitude: 0.15,
      terms: randomRadialTerms(rng, 2, 2, 3),
    };
    paint(image, v, dims, spacing, TISSUE.csf, edge);
  }
  const texture = smoothRandomField(rng, dims, [5, 7, 7], 0.05);
  for (let i = 0; i < n; i++) if (organ[i]) for (let c = 0; c < C; c++) image[i * C + c] *= 1 + texture[i];

  // tumour: oedema > enhancing core > necrosis, nested around a centre in one hemisphere
  const tr = createRng(deriveSeed(options.seed, 'brain-tumour'));
  const [rmin, rmax] = options.tumourRadiusMm ?? [18, 40];
  const [amin, amax] = options.irregularityRange ?? [0.05, 0.5];
  const rWt = Math.exp(tr.uniform(Math.log(rmin), Math.log(rmax)));
  const side = tr.bernoulli(0.5) ? 1 : -1;
  const tc: [number, number, number] = [
    c0[0] + tr.uniform(-0.3, 0.35) * head[0],
    c0[1] + tr.uniform(-0.4, 0.4) * head[1],
    c0[2] + side * tr.uniform(0.15, 0.45) * head[2],
  ];
  const elong = () => tr.uniform(0.8, 1.25);
  const tumourBlob = (r: number, amp: number, center: [number, number, number]): PerturbedEllipsoid => ({
    center,
    radii: [r * elong(), r * elong(), r * elong()],
    amplitude: amp,
    terms: randomRadialTerms(tr, 3 + tr.int(3), 2, 3 + tr.int(4)),
  });
  const jitter = (r: number): [number, number, number] => [tc[0] + tr.uniform(-r, r), tc[1] + tr.uniform(-r, r), tc[2] + tr.uniform(-r, r)];
  const coreFrac = tr.uniform(0.35, 0.7);
  const necFrac = tr.uniform(0.3, 0.7);
  const oedema = tumourBlob(rWt, tr.uniform(amin, amax), tc);
  const core = tumourBlob(rWt * coreFrac, tr.uniform(amin, amax) * 0.7, jitter(rWt * 0.1));
  const necrosis = tumourBlob(rWt * coreFrac * necFrac, tr.uniform(amin, amax) * 0.6, jitter(rWt * 0.05));
  const labels = new Uint8Array(n);
  paint(image, oedema, dims, spacing, TISSUE.oedema, edge, (i) => (labels[i] = 2));
  paint(image, core, dims, spacing, TISSUE.enhancing, edge, (i) => (labels[i] = 4));
  paint(image, necrosis, dims, spacing, TISSUE.necrosis, edge, (i) => (labels[i] = 1));
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && !organ[i]) labels[i] = 0; // keep the tumour inside the brain
    mask[i] = labels[i] !== 0 ? 1 : 0;
  }

  const biasStrength = options.bias ?? 0.15;
  const noise = options.noise ?? rng.uniform(0.01, 0.04);
  const noiseRng = createRng(deriveSeed(options.seed, 'brain-noise'));
  for (let c = 0; c < C; c++) {
    if (biasStrength > 0) {
      const field = polynomialBiasField(rng, dims, biasStrength);
      for (let i = 0; i < n; i++) image[i * C + c] *= field[i];
    }
    addRicianNoise(image, noise, noiseRng, C, c);
  }
  return {
    id: options.id ?? `phantom-brain-${options.seed}`,
    shape: [D, H, W],
    spacing,
    channels: [...BRAIN_CHANNELS],
    image,
    mask,
    labels,
    organ,
    meta: { kind: 'brain', seed: options.seed, wholeTumourRadiusMm: rWt, coreFraction: coreFrac, necrosisFraction: necFrac, noise, bias: biasStrength },
  };
}
