import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { boundarySmoothness, lesionSurfaceArea, lesionVolume } from './lesion-shape';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual} (tol ${tol})`);
}

/** A [n, n, n] mask holding the voxels where `inside(z, y, x)` (coordinates relative to the centre) is true. */
function volumeMask(n: number, inside: (z: number, y: number, x: number) => boolean): Uint8Array {
  const m = new Uint8Array(n * n * n);
  const c = (n - 1) / 2;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) m[(z * n + y) * n + x] = inside(z - c, y - c, x - c) ? 1 : 0;
  return m;
}

const CUBE_SPHERICITY = Math.cbrt(Math.PI / 6);

describe('lesionVolume and lesionSurfaceArea', () => {
  it('a single voxel: volume = voxel volume, surface = 6 faces', () => {
    assert.equal(lesionVolume(new Uint8Array([1]), [1, 1, 1], [1, 1, 1]), 1);
    assert.equal(lesionSurfaceArea(new Uint8Array([1]), [1, 1, 1], [1, 1, 1]), 6);
    // Inside a larger background array the result is the same.
    const m = new Uint8Array(27);
    m[13] = 1;
    assert.equal(lesionVolume(m, [3, 3, 3], [1, 1, 1]), 1);
    assert.equal(lesionSurfaceArea(m, [3, 3, 3], [1, 1, 1]), 6);
  });
  it('weights faces by the spacing products (anisotropic voxel 3 × 0.5 × 0.5 mm)', () => {
    // faces normal to D: 2 × (0.5 × 0.5) = 0.5; normal to H and W: 4 × (3 × 0.5) = 6.
    assert.equal(lesionVolume(new Uint8Array([1]), [1, 1, 1], [3, 0.5, 0.5]), 0.75);
    assert.equal(lesionSurfaceArea(new Uint8Array([1]), [1, 1, 1], [3, 0.5, 0.5]), 6.5);
  });
  it('a 2 × 2 × 2 cube: volume 8, surface 24 (inner faces not counted)', () => {
    const m = volumeMask(4, (z, y, x) => Math.abs(z) < 1 && Math.abs(y) < 1 && Math.abs(x) < 1);
    assert.equal(lesionVolume(m, [4, 4, 4], [1, 1, 1]), 8);
    assert.equal(lesionSurfaceArea(m, [4, 4, 4], [1, 1, 1]), 24);
    close(boundarySmoothness(m, [4, 4, 4], [1, 1, 1]), CUBE_SPHERICITY, 1e-12);
  });
  it('counts faces on the array border as exposed', () => {
    assert.equal(lesionSurfaceArea(new Uint8Array(8).fill(1), [2, 2, 2], [1, 1, 1]), 24);
  });
  it('2-D: area and perimeter', () => {
    const m = new Float32Array([0, 0, 0, 0, 1, 1, 0, 1, 0]);
    assert.equal(lesionVolume(m, [3, 3], [2, 1]), 6);
    // three pixels of 2 × 1 mm in an L: edges along H (length 1): 4 ... counted per axis:
    // axis 0 faces (length = spacing[1] = 1): pixel(1,1): up, (1,2): up+down, (2,1): down → 4 × 1 = 4;
    // axis 1 faces (length = spacing[0] = 2): pixel(1,1): left, (1,2): right, (2,1): left+right → 4 × 2 = 8.
    assert.equal(lesionSurfaceArea(m, [3, 3], [2, 1]), 12);
    close(boundarySmoothness(m, [3, 3], [2, 1]), (2 * Math.sqrt(6 * Math.PI)) / 12, 1e-12);
  });
  it('thresholds at 0.5 by default and on request', () => {
    const m = new Float64Array([0.4, 0.6, 1, 0]);
    assert.equal(lesionVolume(m, [2, 2], [1, 1]), 2);
    assert.equal(lesionVolume(m, [2, 2], [1, 1], { threshold: 0.3 }), 3);
  });
});

describe('boundarySmoothness', () => {
  it('a single voxel: (π/6)^(1/3) ≈ 0.806, whatever the voxel size', () => {
    close(boundarySmoothness(new Uint8Array([1]), [1, 1, 1], [1, 1, 1]), CUBE_SPHERICITY, 1e-12);
    close(boundarySmoothness(new Uint8Array([1]), [1, 1, 1], [2, 2, 2]), CUBE_SPHERICITY, 1e-12);
  });
  it('a voxelised ball of radius 10 scores ≈ 0.659 (the staircase surface is ≈ 3/2 of the sphere)', () => {
    const m = volumeMask(23, (z, y, x) => z * z + y * y + x * x <= 100);
    const s = boundarySmoothness(m, [23, 23, 23], [1, 1, 1]);
    close(s, 0.6586, 0.0005, 'radius-10 ball');
    close(lesionVolume(m, [23, 23, 23], [1, 1, 1]), (4 / 3) * Math.PI * 1000, 40, 'ball volume');
  });
  it('a ball is smoother than a star-shaped blob of (about) equal volume', () => {
    const n = 41;
    const ball = volumeMask(n, (z, y, x) => z * z + y * y + x * x <= 10 * 10);
    const star = volumeMask(n, (z, y, x) => {
      const r = Math.hypot(z, y, x);
      if (r === 0) return true;
      const theta = Math.acos(z / r);
      const phi = Math.atan2(y, x);
      return r <= 9.5 * (1 + 0.45 * Math.sin(4 * theta) * Math.cos(4 * phi));
    });
    const vBall = lesionVolume(ball, [n, n, n], [1, 1, 1]);
    const vStar = lesionVolume(star, [n, n, n], [1, 1, 1]);
    assert.ok(Math.abs(vStar - vBall) / vBall < 0.1, `volumes ${vBall} vs ${vStar}`);
    const sBall = boundarySmoothness(ball, [n, n, n], [1, 1, 1]);
    const sStar = boundarySmoothness(star, [n, n, n], [1, 1, 1]);
    assert.ok(sBall > sStar + 0.05, `ball ${sBall} vs star ${sStar}`);
  });
  it('is NaN for an empty mask', () => {
    assert.ok(Number.isNaN(boundarySmoothness(new Uint8Array(8), [2, 2, 2], [1, 1, 1])));
    assert.equal(lesionVolume(new Uint8Array(8), [2, 2, 2], [1, 1, 1]), 0);
  });
  it('rejects inconsistent geometry', () => {
    assert.throws(() => lesionVolume(new Uint8Array(7), [2, 2, 2], [1, 1, 1]), /Error in lesionVolume: mask length must equal the product of shape \[2, 2, 2\] = 8, got 7/);
    assert.throws(() => boundarySmoothness(new Uint8Array(8), [2, 2, 2], [1, 1]), /Error in boundarySmoothness: spacing must hold 3 positive finite numbers .* got \[1, 1\]/);
    assert.throws(() => lesionSurfaceArea(new Uint8Array(2), [2], [1]), /Error in lesionSurfaceArea: shape must be \[D, H, W\] or \[H, W\], got \[2\]/);
    assert.throws(() => lesionVolume(new Uint8Array(1), [1, 1, 1], [1, 0, 1]), /spacing must hold 3 positive finite numbers/);
  });
});
