/** The NIfTI header fields that define the voxel -> world transform. */
export interface NiftiGeometry {
  /** Voxel counts `dim[1..dim[0]]`. */
  shape: readonly number[];
  /** `pixdim[0..7]` as stored (qfac first). */
  pixdim: readonly number[];
  qformCode: number;
  sformCode: number;
  /** `[quatern_b, quatern_c, quatern_d]`. */
  quatern: readonly number[];
  /** `[qoffset_x, qoffset_y, qoffset_z]`. */
  qoffset: readonly number[];
  /** `[srow_x, srow_y, srow_z]`, each 4 values. */
  srow: readonly (readonly number[])[];
  /** 3 * float32 eps for NIfTI-1, 3 * float64 eps for NIfTI-2 (the tolerance nibabel allows for b^2+c^2+d^2 > 1). */
  quaternionThreshold?: number;
}

/** Transform codes nibabel accepts; any other code is treated as 0 (unknown), as nibabel's header check does. */
const VALID_XFORM_CODES = new Set([0, 1, 2, 3, 4, 5]);

/**
 * Applies the fixes nibabel's header check makes when it loads a file: qfac (`pixdim[0]`) other than -1/1 becomes 1,
 * zero `pixdim[1..3]` become 1, negative ones their absolute value.
 */
export function fixPixdim(pixdim: readonly number[]): number[] {
  const p = Array.from({ length: 8 }, (_, i) => pixdim[i] ?? 0);
  if (p[0] !== 1 && p[0] !== -1) p[0] = 1;
  for (let i = 1; i <= 3; i++) {
    if (p[i] === 0) p[i] = 1;
    else if (p[i] < 0) p[i] = -p[i];
  }
  return p;
}

/** Valid transform code or 0. */
export function xformCode(code: number): number {
  return VALID_XFORM_CODES.has(code) ? code : 0;
}

/** 3x3 rotation from quaternion `[w, x, y, z]` (normalised; identity when the norm is ~0). */
function quaternionToMatrix(w: number, x: number, y: number, z: number): number[][] {
  const n = w * w + x * x + y * y + z * z;
  if (n < 2.220446049250313e-16) return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const s = 2 / n;
  const X = x * s, Y = y * s, Z = z * s;
  const wX = w * X, wY = w * Y, wZ = w * Z;
  const xX = x * X, xY = x * Y, xZ = x * Z;
  const yY = y * Y, yZ = y * Z, zZ = z * Z;
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}

/**
 * The qform affine (NIfTI "method 2"): `R(quatern) * diag(pixdim[1], pixdim[2], qfac * pixdim[3])` plus `qoffset`.
 * `pixdim` must already be fixed ({@link fixPixdim}). Throws when b^2+c^2+d^2 exceeds 1 by more than the threshold.
 */
export function qformAffine(g: NiftiGeometry, pixdim: readonly number[]): number[][] {
  const [b, c, d] = g.quatern;
  const w2 = 1 - (b * b + c * c + d * d);
  const threshold = g.quaternionThreshold ?? 3 * 1.1920928955078125e-7;
  let a: number;
  if (w2 < 0) {
    if (w2 < -threshold) {
      throw new Error(`quaternion (b, c, d) = (${b}, ${c}, ${d}) has b^2+c^2+d^2 = ${1 - w2} > 1`);
    }
    a = 0;
  } else {
    a = Math.sqrt(w2);
  }
  const R = quaternionToMatrix(a, b, c, d);
  const zooms = [pixdim[1], pixdim[2], pixdim[3] * pixdim[0]];
  const out: number[][] = [];
  for (let r = 0; r < 3; r++) out.push([R[r][0] * zooms[0], R[r][1] * zooms[1], R[r][2] * zooms[2], g.qoffset[r]]);
  out.push([0, 0, 0, 1]);
  return out;
}

/**
 * nibabel's fallback when neither transform is set (`shape_zoom_affine`, x flipped as in radiological storage):
 * `diag(-p1, p2, p3)` with the origin at the volume centre, i.e. translation `-((n - 1) / 2) * zoom` per axis.
 */
export function fallbackAffine(shape: readonly number[], pixdim: readonly number[]): number[][] {
  const n = [1, 1, 1];
  const z = [1, 1, 1];
  for (let i = 0; i < Math.min(3, shape.length); i++) {
    n[i] = shape[i];
    z[i] = pixdim[i + 1];
  }
  z[0] = -z[0];
  const t = (i: number) => ((n[i] - 1) / 2) * z[i];
  return [
    [z[0], 0, 0, t(0) === 0 ? 0 : -t(0)],
    [0, z[1], 0, t(1) === 0 ? 0 : -t(1)],
    [0, 0, z[2], t(2) === 0 ? 0 : -t(2)],
    [0, 0, 0, 1],
  ];
}

/**
 * The voxel -> RAS+ affine nibabel reports for a NIfTI header (`Nifti1Header.get_best_affine` after the load-time
 * header fixes): the sform when `sform_code != 0`, else the qform when `qform_code != 0`, else the centred
 * pixdim diagonal with x flipped. Codes outside 0..5 count as 0.
 *
 * @see https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h (methods 1-3)
 */
export function niftiAffine(g: NiftiGeometry): number[][] {
  const pixdim = fixPixdim(g.pixdim);
  if (xformCode(g.sformCode) !== 0) {
    return [[...g.srow[0]], [...g.srow[1]], [...g.srow[2]], [0, 0, 0, 1]];
  }
  if (xformCode(g.qformCode) !== 0) return qformAffine(g, pixdim);
  return fallbackAffine(g.shape, pixdim);
}
