import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { describeOnEachBackend } from '../testing/backends';

/** Reference slice by flat indexing. */
function refSlice(data: ArrayLike<number>, shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, v) => p * v, 1));
  const out: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  const total = size.reduce((p, v) => p * v, 1);
  for (let k = 0; k < total; k++) {
    out.push(data[idx.reduce((p, v, i) => p + (v + begin[i]) * strides[i], 0)]);
    for (let j = shape.length - 1; j >= 0; j--) {
      if (++idx[j] < size[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

const CASES: [number[], number[], number[]][] = [
  [[2, 3, 4, 5, 6], [1, 0, 1, 2, 3], [1, 3, 2, 3, 2]],
  [[2, 3, 4, 5, 6], [0, 1, 0, 0, 0], [2, 2, 4, 5, 6]],
  [[1, 26, 300], [0, 2, 0], [1, 24, 300]],
  [[40, 16], [0, 8], [40, 8]],
  [[7], [2], [4]],
  [[3, 4, 70], [1, 1, 3], [2, 2, 64]],
];

describeOnEachBackend('concat, pad and cast kernels', () => {
  for (const axis of [0, 2, 4]) {
    it(`concat of three rank-5 tensors on axis ${axis} equals slicing them back`, () => {
      const parts = [[2, 3, 4, 5, 6], [2, 3, 4, 5, 6], [2, 3, 4, 5, 6]].map((s, i) => {
        const shape = s.slice();
        shape[axis] = i + 1;
        const n = shape.reduce((p, v) => p * v, 1);
        return tf.tensor(Array.from({ length: n }, (_, k) => k * 10 + i), shape);
      });
      const y = tf.concat(parts, axis);
      let at = 0;
      for (const p of parts) {
        const begin = [0, 0, 0, 0, 0];
        begin[axis] = at;
        at += p.shape[axis];
        assert.deepEqual(Array.from(tf.slice(y, begin, p.shape).dataSync()), Array.from(p.dataSync()));
      }
      tf.dispose([...parts, y]);
    });
  }
  it('cast to the same dtype keeps the values, and either tensor can be disposed first', () => {
    for (const first of [0, 1]) {
      const x = tf.tensor([1.5, -2, 3], [3]);
      const y = tf.cast(x, 'float32');
      const z = tf.cast(tf.tensor([1, 0, 1], [3], 'int32'), 'float32');
      (first === 0 ? x : y).dispose();
      assert.deepEqual(Array.from((first === 0 ? y : x).dataSync()), [1.5, -2, 3]);
      assert.deepEqual(Array.from(z.dataSync()), [1, 0, 1]);
      tf.dispose([x, y, z]);
    }
  });
  it('concat and sum of a float32 tensor cast from bool (held as bytes by the cpu backend)', () => {
    const m = tf.cast(tf.tensor([1, 0, 1, 1], [4, 1], 'bool'), 'float32');
    const f = tf.tensor([[0.5], [1.5], [2.5], [3.5]]);
    const y = tf.concat([f, m], 1);
    assert.deepEqual(Array.from(y.dataSync()), [0.5, 1, 1.5, 0, 2.5, 1, 3.5, 1]);
    const s = tf.sum(tf.reshape(m, [1, 2, 2, 1]), [1, 2]);
    assert.deepEqual(Array.from(s.dataSync()), [3]);
    tf.dispose([m, f, y, s]);
  });
  it('pad with a constant, int32 and float32', () => {
    for (const dtype of ['int32', 'float32'] as const) {
      const x = tf.tensor([[1, 2, 3], [4, 5, 6]], [2, 3], dtype);
      const y = tf.pad(x, [[1, 0], [2, 1]], 7);
      assert.deepEqual(Array.from(y.dataSync()), [7, 7, 7, 7, 7, 7, 7, 7, 1, 2, 3, 7, 7, 7, 4, 5, 6, 7]);
      tf.dispose([x, y]);
    }
  });
});

describeOnEachBackend('slice kernel', () => {
  for (const [shape, begin, size] of CASES) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      it(`${dtype} ${JSON.stringify(shape)} at ${JSON.stringify(begin)} size ${JSON.stringify(size)}`, () => {
        const n = shape.reduce((p, v) => p * v, 1);
        const x = tf.tensor(Array.from({ length: n }, (_, i) => (dtype === 'bool' ? Number((i * 7) % 3 === 0) : i)), shape, dtype);
        const y = tf.slice(x, begin, size);
        assert.deepEqual(y.shape, size);
        assert.equal(y.dtype, dtype);
        assert.deepEqual(Array.from(y.dataSync()), refSlice(x.dataSync(), shape, begin, size));
        tf.dispose([x, y]);
      });
    }
  }
});
