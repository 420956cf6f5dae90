/** NIfTI qform parameters encoding the rotation and zooms of an affine. */
export interface Qform {
  /** `[quatern_b, quatern_c, quatern_d]` (quatern_a = sqrt(1 - b^2 - c^2 - d^2) >= 0). */
  quatern: [number, number, number];
  /** `[qoffset_x, qoffset_y, qoffset_z]`. */
  qoffset: [number, number, number];
  /** `pixdim[1..3]`: the column norms of the affine's 3x3 part. */
  zooms: [number, number, number];
  /** `pixdim[0]`: -1 when the 3x3 part has a negative determinant (the third axis is flipped), else 1. */
  qfac: 1 | -1;
}

type M3 = number[][];

function det3(m: M3): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/** Inverse transpose of a 3x3 matrix (cofactors / det). */
function invTranspose(m: M3, det: number): M3 {
  const c = (r0: number, r1: number, c0: number, c1: number) => m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
  return [
    [c(1, 2, 1, 2) / det, -c(1, 2, 0, 2) / det, c(1, 2, 0, 1) / det],
    [-c(0, 2, 1, 2) / det, c(0, 2, 0, 2) / det, -c(0, 2, 0, 1) / det],
    [c(0, 1, 1, 2) / det, -c(0, 1, 0, 2) / det, c(0, 1, 0, 1) / det],
  ];
}

/** Nearest orthogonal matrix (polar decomposition by Newton iteration X <- (X + X^-T) / 2). */
function orthogonalize(m: M3): M3 {
  let x = m.map((r) => [...r]);
  for (let it = 0; it < 100; it++) {
    const d = det3(x);
    if (!Number.isFinite(d) || Math.abs(d) < 1e-12) break;
    const y = invTranspose(x, d);
    let change = 0;
    const next = x.map((row, i) =>
      row.map((v, j) => {
        const nv = 0.5 * (v + y[i][j]);
        change = Math.max(change, Math.abs(nv - v));
        return nv;
      }),
    );
    x = next;
    if (change < 1e-15) break;
  }
  return x;
}

/**
 * Encodes the rotation part of a voxel -> world affine as a NIfTI quaternion (the inverse of NIfTI "method 2").
 * Shears cannot be represented: the nearest rotation is used (the sform keeps the exact affine).
 */
export function qformFromAffine(affine: readonly (readonly number[])[]): Qform {
  const zooms: [number, number, number] = [0, 0, 0];
  const r: M3 = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let j = 0; j < 3; j++) {
    const n = Math.hypot(affine[0][j], affine[1][j], affine[2][j]);
    zooms[j] = n > 0 ? n : 1;
    for (let i = 0; i < 3; i++) r[i][j] = n > 0 ? affine[i][j] / n : i === j ? 1 : 0;
  }
  let rot = orthogonalize(r);
  const d = det3(rot);
  if (!(Math.abs(Math.abs(d) - 1) < 1e-6)) rot = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  let qfac: 1 | -1 = 1;
  if (det3(rot) < 0) {
    qfac = -1;
    for (let i = 0; i < 3; i++) rot[i][2] = -rot[i][2];
  }
  const [[r00, r01, r02], [r10, r11, r12], [r20, r21, r22]] = rot;
  const trace = r00 + r11 + r22;
  let w: number, x: number, y: number, z: number;
  if (trace > 0) {
    const s = 0.5 / Math.sqrt(trace + 1);
    w = 0.25 / s;
    x = (r21 - r12) * s;
    y = (r02 - r20) * s;
    z = (r10 - r01) * s;
  } else if (r00 > r11 && r00 > r22) {
    const s = 2 * Math.sqrt(1 + r00 - r11 - r22);
    w = (r21 - r12) / s;
    x = 0.25 * s;
    y = (r01 + r10) / s;
    z = (r02 + r20) / s;
  } else if (r11 > r22) {
    const s = 2 * Math.sqrt(1 + r11 - r00 - r22);
    w = (r02 - r20) / s;
    x = (r01 + r10) / s;
    y = 0.25 * s;
    z = (r12 + r21) / s;
  } else {
    const s = 2 * Math.sqrt(1 + r22 - r00 - r11);
    w = (r10 - r01) / s;
    x = (r02 + r20) / s;
    y = (r12 + r21) / s;
    z = 0.25 * s;
  }
  if (w < 0) {
    x = -x;
    y = -y;
    z = -z;
  }
  return { quatern: [x, y, z], qoffset: [affine[0][3], affine[1][3], affine[2][3]], zooms, qfac };
}
