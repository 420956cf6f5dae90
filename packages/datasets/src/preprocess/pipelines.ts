import type { Volume } from '../volume';
import type { SegmentationCase } from '../segmentation-case';
import { centerCropOrPad } from './center-crop';
import { cropToMask } from './crop-to-mask';
import { n4BiasFieldCorrection, type N4Options } from './n4-bias-field';
import { normalizeChannel, type NormalizeMode } from './normalize-intensity';
import { resampleToGrid } from './resample-to-grid';
import { resampleToSpacing } from './resample-to-spacing';
import { resizeVolume } from './resize';

/** Named preprocessing pipelines. */
export type PipelineName = 'paper' | 'authors-code';
export const PIPELINE_NAMES: readonly PipelineName[] = ['paper', 'authors-code'];

/** The volumes of one case before preprocessing. */
export interface RawCase {
  id: string;
  /** Image volumes by channel name, in channel order (PI-CAI: t2w, adc, hbv; BraTS: t1, t1ce, t2, flair or a subset). */
  channels: Record<string, Volume>;
  /** Label volume (PI-CAI: ISUP grades per lesion; BraTS: 0/1/2/4 or MSD 0/1/2/3). */
  label?: Volume;
  /** Organ mask (PI-CAI whole gland). */
  organ?: Volume;
}

/** Options of the preprocessing pipelines. */
export interface PipelineOptions {
  /** `'paper'` (section 4.2, default) or `'authors-code'`. */
  pipeline?: PipelineName;
  /** Label values counted as foreground. Default: any non-zero (PI-CAI ISUP >= 1; BraTS whole tumour). */
  foreground?: readonly number[];
  /** `'paper'` PI-CAI: run N4 on these channels (raw intensities, before normalisation). Default `['t2w']`; `[]` skips it. */
  n4Channels?: readonly string[];
  /** N4 settings. Default: shrink [4, 4, 1], 4 levels x 10 iterations. */
  n4?: N4Options;
  /**
   * Final `[D, H, W]` instead of the pipeline's (PI-CAI paper 24 x 160 x 128, authors-code 24 x 128 x 160; BraTS paper
   * 155 x 224 x 224; BraTS authors-code: resize after the 144 x 224 x 224 crop), e.g. a smaller training profile.
   */
  outputShape?: readonly number[];
  /** `'paper'` PI-CAI: margin around the gland box, voxels of the 0.5 x 0.5 x 3 mm grid per side. Default 30 (the paper's). */
  glandMargin?: number;
}

function check(fn: string, raw: RawCase): string[] {
  const names = Object.keys(raw.channels);
  if (names.length === 0) throw new Error(`Error in ${fn}: case ${raw.id} has no image channels, got {}.`);
  for (const [name, v] of Object.entries(raw.channels)) {
    if (v.shape.length < 3 || (v.shape.length > 3 && v.shape.slice(3).some((d) => d !== 1))) {
      throw new Error(`Error in ${fn}: channel ${name} of case ${raw.id} must be 3-D, got shape [${v.shape.join(', ')}].`);
    }
  }
  return names;
}

function as3d(v: Volume): Volume {
  return v.shape.length === 3 ? v : { ...v, shape: v.shape.slice(0, 3), spacing: v.spacing.slice(0, 3) };
}

function sameGrid(a: Volume, b: Volume, tol = 1e-3): boolean {
  if (a.shape.slice(0, 3).join() !== b.shape.slice(0, 3).join()) return false;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) if (Math.abs(a.affine[r][c] - b.affine[r][c]) > tol * Math.max(1, Math.abs(b.affine[r][c]))) return false;
  return true;
}

function geometryError(fn: string, raw: RawCase, what: string, v: Volume, ref: Volume): Error {
  return new Error(
    `Error in ${fn}: ${what} of case ${raw.id} does not match the reference grid, got shape [${v.shape.join(', ')}] spacing [${v.spacing.map((s) => +s.toFixed(4)).join(', ')}] vs [${ref.shape.join(', ')}] [${ref.spacing.map((s) => +s.toFixed(4)).join(', ')}] (mismatched geometry).`,
  );
}

function toBinary(label: Volume | undefined, n: number, foreground?: readonly number[]): { mask: Uint8Array; labels?: Uint8Array } {
  const mask = new Uint8Array(n);
  if (!label) return { mask };
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round(label.data[i] as number);
    labels[i] = v;
    mask[i] = (foreground ? foreground.includes(v) : v !== 0) ? 1 : 0;
  }
  return { mask, labels };
}

/** Interleaves single-channel file-order volumes (all the same shape) into a channels-last `[D, H, W, C]` case. */
export function volumesToCase(
  id: string,
  names: readonly string[],
  vols: readonly Volume[],
  label?: Volume,
  organ?: Volume,
  foreground?: readonly number[],
  meta?: Record<string, unknown>,
): SegmentationCase {
  const [nx, ny, nz] = vols[0].shape;
  const n = nx * ny * nz;
  const C = vols.length;
  const image = new Float32Array(n * C);
  vols.forEach((v, c) => {
    for (let i = 0; i < n; i++) image[i * C + c] = v.data[i] as number;
  });
  const { mask, labels } = toBinary(label, n, foreground);
  return {
    id,
    shape: [nz, ny, nx],
    spacing: [vols[0].spacing[2], vols[0].spacing[1], vols[0].spacing[0]],
    channels: [...names],
    image,
    mask,
    labels,
    organ: organ ? Uint8Array.from(organ.data as ArrayLike<number>, (v) => (v !== 0 ? 1 : 0)) : undefined,
    affine: vols[0].affine.map((r) => r.slice()),
    meta,
  };
}

/**
 * PI-CAI preprocessing.
 *
 * `'paper'` (section 4.2): N4 on T2W (raw intensities; N4 needs positive values, so it runs first rather than last as
 * the text orders it), ADC/HBV resampled onto the T2W grid (world space, trilinear), everything resampled to
 * 3.0 x 0.5 x 0.5 mm (trilinear images, nearest masks), min-max then z-score per channel, resize to 30 x 256 x 256,
 * crop to the whole-gland box + 30 voxels (clipped), resize to 24 x 160 x 128 (`[D, H, W]`).
 *
 * `'authors-code'`: ADC/HBV onto the T2W grid, no crop, area resize to MONAI spatial size (160, 128, 24) in file order
 * (`[D, H, W]` = `[24, 128, 160]`; masks nearest), non-zero channel-wise z-score.
 *
 * Throws (so that a dataset skips the case) when the label or gland grid differs from the T2W grid.
 */
export function preprocessPicaiCase(raw: RawCase, options: PipelineOptions = {}): SegmentationCase {
  const fn = 'preprocessPicaiCase';
  const names = check(fn, raw);
  const pipeline = options.pipeline ?? 'paper';
  if (!PIPELINE_NAMES.includes(pipeline)) throw new Error(`Error in ${fn}: pipeline must be 'paper' or 'authors-code', got ${JSON.stringify(pipeline)}.`);
  const refName = names.includes('t2w') ? 't2w' : names[0];
  const ref = as3d(raw.channels[refName]);
  const label = raw.label ? as3d(raw.label) : undefined;
  const gland = raw.organ ? as3d(raw.organ) : undefined;
  if (label && !sameGrid(label, ref)) throw geometryError(fn, raw, 'the lesion label', label, ref);
  if (gland && !sameGrid(gland, ref)) throw geometryError(fn, raw, 'the gland mask', gland, ref);
  const n4Channels = pipeline === 'paper' ? options.n4Channels ?? ['t2w'] : [];
  let vols = names.map((name) => {
    let v = as3d(raw.channels[name]);
    if (n4Channels.includes(name)) v = n4BiasFieldCorrection(v, options.n4).corrected;
    return name === refName || sameGrid(v, ref) ? v : resampleToGrid(v, ref, { mode: 'linear' });
  });
  if (pipeline === 'authors-code') {
    const dhw = options.outputShape ?? [24, 128, 160];
    vols = vols.map((v) => {
      const r = resizeVolume(v, dhw, 'area');
      normalizeChannel(r.data as Float32Array, 'nonzero-zscore');
      return r;
    });
    const lab = label && resizeVolume(label, dhw, 'nearest');
    const org = gland && resizeVolume(gland, dhw, 'nearest');
    return volumesToCase(raw.id, names, vols, lab, org, options.foreground, { pipeline });
  }
  const spacing = [0.5, 0.5, 3.0];
  const mid = [30, 256, 256];
  const dhw = options.outputShape ?? [24, 160, 128];
  vols = vols.map((v) => {
    const r = resampleToSpacing(v, spacing, { mode: 'linear' });
    const data = r.data instanceof Float32Array ? r.data : Float32Array.from(r.data as ArrayLike<number>);
    normalizeChannel(data, 'paper');
    return resizeVolume({ ...r, data }, mid, 'linear');
  });
  const prep = (m: Volume | undefined): Volume | undefined => m && resizeVolume(resampleToSpacing(m, spacing, { mode: 'nearest' }), mid, 'nearest');
  let lab = prep(label);
  let org = prep(gland);
  if (org) {
    const all = [...vols, ...(lab ? [lab] : []), org];
    const cropped = cropToMask(all, org, { margin: options.glandMargin ?? 30 }).volumes;
    vols = cropped.slice(0, vols.length);
    if (lab) lab = cropped[vols.length];
    org = cropped[cropped.length - 1];
  }
  vols = vols.map((v) => resizeVolume(v, dhw, 'linear'));
  lab = lab && resizeVolume(lab, dhw, 'nearest');
  org = org && resizeVolume(org, dhw, 'nearest');
  return volumesToCase(raw.id, names, vols, lab, org, options.foreground, { pipeline, n4Channels });
}

/**
 * BraTS preprocessing. All modalities must share one grid (else the case is rejected as mismatched geometry).
 *
 * `'paper'`: resample to 1.0 mm isotropic, min-max then z-score per channel, resize to 155 x 224 x 224 (`[D, H, W]`;
 * trilinear images, nearest labels).
 * `'authors-code'`: resample to 1.0 mm, centre crop / pad to (224, 224, 144) in file order (`[D, H, W]` = `[144, 224, 224]`),
 * non-zero channel-wise z-score.
 *
 * `foreground` picks the binary task: whole tumour `[1, 2, 4]` (default: any non-zero), tumour core `[1, 4]`,
 * enhancing `[4]`; MSD Task01 labels are `[1, 2, 3]` for the whole tumour.
 */
export function preprocessBratsCase(raw: RawCase, options: PipelineOptions = {}): SegmentationCase {
  const fn = 'preprocessBratsCase';
  const names = check(fn, raw);
  const pipeline = options.pipeline ?? 'paper';
  if (!PIPELINE_NAMES.includes(pipeline)) throw new Error(`Error in ${fn}: pipeline must be 'paper' or 'authors-code', got ${JSON.stringify(pipeline)}.`);
  const ref = as3d(raw.channels[names[0]]);
  for (const name of names.slice(1)) if (!sameGrid(as3d(raw.channels[name]), ref)) throw geometryError(fn, raw, `channel ${name}`, raw.channels[name], ref);
  const label = raw.label ? as3d(raw.label) : undefined;
  if (label && !sameGrid(label, ref)) throw geometryError(fn, raw, 'the label', label, ref);
  const iso = [1, 1, 1];
  let vols = names.map((name) => {
    const r = resampleToSpacing(as3d(raw.channels[name]), iso, { mode: 'linear' });
    return { ...r, data: r.data instanceof Float32Array ? r.data : Float32Array.from(r.data as ArrayLike<number>) };
  });
  let lab = label && resampleToSpacing(label, iso, { mode: 'nearest' });
  const mode: NormalizeMode = pipeline === 'paper' ? 'paper' : 'nonzero-zscore';
  if (pipeline === 'paper') {
    vols = vols.map((v) => {
      normalizeChannel(v.data, mode);
      return resizeVolume(v, options.outputShape ?? [155, 224, 224], 'linear') as typeof v;
    });
    lab = lab && resizeVolume(lab, options.outputShape ?? [155, 224, 224], 'nearest');
  } else {
    vols = vols.map((v) => {
      const c = centerCropOrPad(v, [224, 224, 144]) as typeof v;
      normalizeChannel(c.data, mode);
      return c;
    });
    lab = lab && centerCropOrPad(lab, [224, 224, 144]);
    if (options.outputShape) {
      vols = vols.map((v) => resizeVolume(v, options.outputShape!, 'linear') as typeof v);
      lab = lab && resizeVolume(lab, options.outputShape, 'nearest');
    }
  }
  return volumesToCase(raw.id, names, vols, lab, undefined, options.foreground, { pipeline });
}
