import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fallbackAffine, fixPixdim, niftiAffine, qformAffine, type NiftiGeometry } from './nifti-affine';
import { qformFromAffine } from './qform-from-affine';

function close(a: number[][], b: number[][], tol: number): void {
  a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol, `[${i}][${j}] ${v} vs ${b[i][j]}`)));
}

const base: NiftiGeometry = {
  shape: [3, 5, 7],
  pixdim: [1, 3, 2, 1, 0, 0, 0, 0],
  qformCode: 0,
  sformCode: 0,
  quatern: [0, 0, 0],
  qoffset: [10, 20, 30],
  srow: [
    [1, 0, 0, -1],
    [0, 1, 0, -2],
    [0, 0, 1, -3],
  ],
};

describe('niftiAffine (nibabel get_best_affine)', () => {
  it('falls back to the centred pixdim diagonal with x flipped (nibabel shape_zoom_affine doc example)', () => {
    assert.deepEqual(niftiAffine(base), [
      [-3, 0, 0, 3],
      [0, 2, 0, -4],
      [0, 0, 1, -3],
      [0, 0, 0, 1],
    ]);
    assert.deepEqual(fallbackAffine([4, 6], [1, 2, 3]), [
      [-2, 0, 0, 3],
      [0, 3, 0, -7.5],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('prefers the sform whenever sform_code != 0, then the qform', () => {
    assert.deepEqual(niftiAffine({ ...base, sformCode: 2, qformCode: 1 })[0], [1, 0, 0, -1]);
    assert.deepEqual(niftiAffine({ ...base, qformCode: 1 }), [
      [3, 0, 0, 10],
      [0, 2, 0, 20],
      [0, 0, 1, 30],
      [0, 0, 0, 1],
    ]);
  });

  it('treats codes outside 0..5 as unknown, as nibabel header checks do', () => {
    assert.deepEqual(niftiAffine({ ...base, sformCode: 7 })[0], [-3, 0, 0, 3]);
    assert.deepEqual(niftiAffine({ ...base, sformCode: 5 })[0], [1, 0, 0, -1]);
  });

  it('applies qfac = -1 to the third column and fixes qfac 0 to 1, negative/zero pixdims to abs/1', () => {
    const flipped = niftiAffine({ ...base, qformCode: 1, pixdim: [-1, 3, 2, 1] });
    assert.deepEqual(flipped[2].slice(0, 3), [0, 0, -1]);
    assert.deepEqual(fixPixdim([0, -2, 0, 3]), [1, 2, 1, 3, 0, 0, 0, 0]);
    assert.deepEqual(niftiAffine({ ...base, qformCode: 1, pixdim: [0, -3, 0, 1] })[0], [3, 0, 0, 10]);
  });

  it('builds the rotation from (b, c, d): [0, 1, 0, 0] is a 180 degree turn about x', () => {
    const a = qformAffine({ ...base, quatern: [1, 0, 0] }, fixPixdim([1, 1, 1, 1]));
    close(a, [
      [1, 0, 0, 10],
      [0, -1, 0, 20],
      [0, 0, -1, 30],
      [0, 0, 0, 1],
    ], 1e-12);
  });

  it('rejects quaternions with b^2+c^2+d^2 clearly above 1', () => {
    assert.throws(() => niftiAffine({ ...base, qformCode: 1, quatern: [1, 1, 0] }), /b\^2\+c\^2\+d\^2/);
  });
});

describe('qformFromAffine', () => {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  it('inverts the qform for random rotations, zooms and flips', () => {
    for (let t = 0; t < 200; t++) {
      const q = [rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5];
      const n = Math.hypot(...q);
      const [w, x, y, z] = q.map((v) => (v / n) * Math.sign(q[0] || 1));
      const zooms = [0.2 + rand() * 3, 0.2 + rand() * 3, 0.5 + rand() * 5];
      const qfac = rand() < 0.5 ? 1 : -1;
      const pixdim = [qfac, ...zooms];
      const affine = qformAffine({ ...base, quatern: [x, y, z], qoffset: [rand() * 200 - 100, rand() * 200 - 100, rand() * 200 - 100] }, pixdim);
      void w;
      const back = qformFromAffine(affine);
      assert.equal(back.qfac, qfac);
      const again = qformAffine({ ...base, quatern: back.quatern, qoffset: back.qoffset }, [back.qfac, ...back.zooms]);
      close(again, affine, 1e-9);
    }
  });

  it('uses the nearest rotation for a sheared affine and keeps the zooms as column norms', () => {
    const q = qformFromAffine([
      [2, 0.1, 0, 1],
      [0, 2, 0, 2],
      [0, 0, 3, 3],
      [0, 0, 0, 1],
    ]);
    assert.ok(Math.abs(q.zooms[1] - Math.hypot(0.1, 2)) < 1e-12);
    assert.equal(q.qfac, 1);
    assert.ok(Math.hypot(...q.quatern) < 0.05);
  });
});
