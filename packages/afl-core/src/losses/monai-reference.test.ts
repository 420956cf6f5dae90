import { describe, it, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose, channelsLast, readJson, refValues, useBackend } from '../testing/helpers';
import { LossCase, monaiLossesRef, ours } from '../testing/monai-losses';

const REF = monaiLossesRef();

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MONAI 1.5 reference losses (${backend})`, { skip: REF.skip }, () => {
    before(() => useBackend(backend));
    const cases = REF.path ? readJson<{ cases: LossCase[] }>(REF.path).cases : [];
    for (const c of cases) {
      for (const r of c.results) {
        it(`${c.name}: ${r.loss} ${JSON.stringify(r.args)}`, () => {
          const before = tf.memory().numTensors;
          const yTrue = channelsLast(c.target);
          const logits = channelsLast(c.input);
          const out = ours(r, yTrue, logits);
          const expected = typeof r.expected === 'number' ? [r.expected] : refValues(r.expected);
          assertAllClose(out.dataSync(), expected, 1e-5, 1e-6, r.loss);
          tf.dispose([yTrue, logits, out]);
          if (tf.memory().numTensors !== before) throw new Error('tensor leak');
        });
      }
    }
  });
}
