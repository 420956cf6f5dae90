import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gradCheck, maxRelError, randomTensor } from '../testing/grad-check';
import { describeOnEachBackend } from '../testing/backends';
import { CONV_CASES } from '../testing/gradient-cases';

// Both paths: the native addon (when built) and the tfjs formulations it falls back to.
describeOnEachBackend('convolution gradients', () => {
  for (const [name, xShape, wShape, f] of CONV_CASES) {
    it(`${name}: input and filter gradients match central differences`, () => {
      const x = randomTensor(xShape, 1);
      const w = randomTensor(wShape, 2);
      // Linear in each argument, so a large step is exact up to float32 rounding.
      const err = maxRelError(gradCheck(f, [x, w], { h: 0.5 }));
      tf.dispose([x, w]);
      assert.ok(err < 1e-4, `max relative error ${err}`);
    });
  }
});
