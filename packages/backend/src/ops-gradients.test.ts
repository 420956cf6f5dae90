import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gradCheck, maxRelError, randomTensor } from './testing/grad-check';
import { describeOnEachBackend } from './testing/backends';
import { OP_CASES } from './testing/gradient-cases';

describeOnEachBackend('op gradients', () => {
  for (const [name, shapes, f, h, tol] of OP_CASES) {
    it(`${name}: gradients match central differences`, () => {
      const xs = shapes.map((s, i) => randomTensor(s, 11 + i));
      const err = maxRelError(gradCheck(f, xs, { h }));
      tf.dispose(xs);
      assert.ok(err < tol, `max relative error ${err}`);
    });
  }
});
