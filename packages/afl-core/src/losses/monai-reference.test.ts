import { describe, it, before } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose, channelsLast, readJson, RefArray, refValues, SHARED_DIR, useBackend } from '../testing/helpers';
import { diceCELoss, diceFocalLoss } from './compound';
import { diceLoss } from './dice';
import { focalLoss } from './focal';
import { tverskyLoss } from './tversky';
import type { Reduction } from '../reduction';

interface LossResult {
  loss: string;
  args: Record<string, unknown>;
  expected: number | RefArray;
}
interface LossCase {
  name: string;
  input: RefArray;
  target: RefArray;
  results: LossResult[];
}

const REF = path.join(SHARED_DIR, 'reference', 'losses_monai.json');

/** Calls our loss with the options that correspond to MONAI's constructor arguments. */
function ours(r: LossResult, yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const a = r.args as Record<string, number | boolean | string | null>;
  const common = {
    reduction: a.reduction as Reduction,
    batch: a.batch as boolean,
    smoothNr: a.smooth_nr as number,
    smoothDr: a.smooth_dr as number,
  };
  switch (r.loss) {
    case 'FocalLoss':
      return focalLoss(yTrue, logits, { gamma: a.gamma as number, alpha: a.alpha as number | null, reduction: common.reduction });
    case 'DiceLoss':
      return diceLoss(yTrue, logits, { ...common, jaccard: a.jaccard as boolean, squaredPred: a.squared_pred as boolean });
    case 'TverskyLoss':
      return tverskyLoss(yTrue, logits, { ...common, alpha: a.alpha as number, beta: a.beta as number });
    case 'DiceCELoss':
      return diceCELoss(yTrue, logits, { ...common, lambdaDice: a.lambda_dice as number, lambdaCe: a.lambda_ce as number });
    case 'DiceFocalLoss':
      return diceFocalLoss(yTrue, logits, {
        ...common,
        gamma: a.gamma as number,
        alpha: a.alpha as number | null,
        lambdaDice: a.lambda_dice as number,
        lambdaFocal: a.lambda_focal as number,
      });
    default:
      throw new Error(`no mapping for ${r.loss}`);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MONAI 1.5 reference losses (${backend})`, { skip: !fs.existsSync(REF) && `missing ${REF}` }, () => {
    before(() => useBackend(backend));
    const cases = fs.existsSync(REF) ? readJson<{ cases: LossCase[] }>(REF).cases : [];
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
