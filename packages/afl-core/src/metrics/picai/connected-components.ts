/**
 * 26-connected component labelling of 3-D masks, numbered like `scipy.ndimage.label(mask, structure=np.ones((3, 3, 3)))`.
 *
 * Part of the PI-CAI evaluation port (see `evaluate-picai.ts` for the attribution of the semantics).
 */
import { aflError } from '../../errors';

/** A volume's shape `[D, H, W]` (z, y, x), data flat in row-major (C) order, x fastest. */
export type Shape3d = readonly [number, number, number];

/** The result of {@link labelComponents26}. */
export interface ComponentLabels {
  /** Per voxel: 0 for background, else the component's label `1..count`. */
  labels: Int32Array;
  /** Number of components. */
  count: number;
  /** `sizes[k - 1]`: voxel count of component `k`. */
  sizes: number[];
}

/** Checks `shape` (three positive integers) against a data length; returns the voxel count. */
export function assertShape3d(fn: string, shape: readonly number[], length: number, what: string): number {
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw aflError(fn, `${what}: shape must be [D, H, W] with positive integer sizes, got ${JSON.stringify(shape)}.`);
  }
  const n = shape[0] * shape[1] * shape[2];
  if (length !== n) {
    throw aflError(fn, `${what}: data length must equal D * H * W = ${n} for shape [${shape.join(', ')}], got ${length}.`);
  }
  return n;
}

/**
 * Labels the 26-connected components of `foreground` (a voxel is foreground where the byte is non-zero).
 *
 * Components are numbered in raster-scan order of their first voxel (z, then y, then x), which is the order scipy's
 * `ndimage.label` gives; PI-CAI's extraction depends on it (a static candidate's index is its label, and the dynamic
 * mode keeps "the first component" of a tie). Iterative flood fill with an explicit stack: no recursion, O(voxels).
 *
 * @param foreground one byte per voxel, row-major over `shape`.
 * @param shape `[D, H, W]`.
 * @example
 * const { labels, count, sizes } = labelComponents26(mask, [8, 32, 32]);
 */
export function labelComponents26(foreground: Uint8Array, shape: Shape3d): ComponentLabels {
  const n = assertShape3d('labelComponents26', shape, foreground.length, 'foreground');
  const [depth, height, width] = shape;
  const plane = height * width;
  const labels = new Int32Array(n);
  const sizes: number[] = [];
  let stack = new Int32Array(64);
  let count = 0;
  for (let seed = 0; seed < n; seed++) {
    if (foreground[seed] === 0 || labels[seed] !== 0) continue;
    const label = ++count;
    labels[seed] = label;
    let top = 0;
    stack[top++] = seed;
    let size = 0;
    while (top > 0) {
      const v = stack[--top];
      size++;
      const z = (v / plane) | 0;
      const rem = v - z * plane;
      const y = (rem / width) | 0;
      const x = rem - y * width;
      const z0 = z > 0 ? z - 1 : 0;
      const z1 = z < depth - 1 ? z + 1 : z;
      const y0 = y > 0 ? y - 1 : 0;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let zz = z0; zz <= z1; zz++) {
        for (let yy = y0; yy <= y1; yy++) {
          const row = zz * plane + yy * width;
          for (let xx = x0; xx <= x1; xx++) {
            const u = row + xx;
            if (foreground[u] !== 0 && labels[u] === 0) {
              labels[u] = label;
              if (top === stack.length) {
                const grown = new Int32Array(stack.length * 2);
                grown.set(stack);
                stack = grown;
              }
              stack[top++] = u;
            }
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, count, sizes };
}

/**
 * True when some voxel of `voxels` (flat indices) lies within one 26-neighbourhood step of a non-zero voxel of
 * `other` (or on it): the test `(mask & binary_dilation(other, np.ones((3, 3, 3)))).any()`.
 */
export function touches26(voxels: readonly number[], other: Uint8Array, shape: Shape3d): boolean {
  const [depth, height, width] = shape;
  const plane = height * width;
  for (const v of voxels) {
    const z = (v / plane) | 0;
    const rem = v - z * plane;
    const y = (rem / width) | 0;
    const x = rem - y * width;
    for (let zz = Math.max(0, z - 1); zz <= Math.min(depth - 1, z + 1); zz++) {
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
        const row = zz * plane + yy * width;
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          if (other[row + xx] !== 0) return true;
        }
      }
    }
  }
  return false;
}
