// The main job for now: A-FL's parameters and every loss and metric on a built-in example, printed as a table.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  adaptiveParameters,
  authorsSoftDice,
  createLoss,
  diceScore,
  disposeAdaptiveParameters,
  hausdorff95,
  iouScore,
  LOSS_NAMES,
  sensitivity,
  specificity,
} from './index';

const SHAPE = [24, 64, 64];

/** A lesion of radius `radius` (voxels) whose boundary is perturbed by `wobble` (0 = a smooth ellipsoid). */
function lesion(radius: number, wobble: number): Float32Array {
  const [d, h, w] = SHAPE;
  const out = new Float32Array(d * h * w);
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const dz = (z - d / 2) * 2.5;
        const dy = y - h / 2;
        const dx = x - w / 2;
        const r = Math.hypot(dz, dy, dx);
        const angle = Math.atan2(dy, dx);
        const edge = radius * (1 + wobble * Math.sin(6 * angle) * Math.cos(3 * Math.atan2(dz, Math.hypot(dx, dy))));
        if (r < edge) out[(z * h + y) * w + x] = 1;
      }
    }
  }
  return out;
}

function fmt(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v.toFixed(4);
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const cases = [
    ['large smooth lesion', lesion(14, 0)],
    ['small smooth lesion', lesion(5, 0)],
    ['small irregular lesion', lesion(6, 0.45)],
  ] as const;
  const names = cases.map((c) => c[0]);
  const mask = tf.tensor(cases.flatMap(([, m]) => Array.from(m)), [cases.length, ...SHAPE, 1]);
  // A fixed imperfect "prediction": the mask shifted by two voxels along x, as logits of +-4 plus seeded noise.
  const logits = tf.tidy(() => {
    const shifted = tf.concat([tf.zeros([cases.length, ...SHAPE.slice(0, 2), 2, 1]), tf.slice(mask, [0, 0, 0, 0, 0], [-1, -1, -1, SHAPE[2] - 2, -1])], 3);
    return tf.add(tf.mul(tf.sub(shifted, 0.5), 8), tf.randomNormal(mask.shape, 0, 1, 'float32', 42));
  });

  console.log(`A-FL demo on a built-in example: ${cases.length} synthetic lesion masks of ${SHAPE.join(' x ')} voxels (backend ${tf.getBackend()})\n`);
  const p = await adaptiveParameters(mask);
  const rows = [
    ['alphaVa (eq. 1)', p.alphaVa],
    ['gammaVa (eq. 2)', p.gammaVa],
    ['gammaMSa (eq. 5)', p.gammaMSa],
    ['gammaAdaptive (eq. 6)', p.gammaAdaptive],
  ] as const;
  const header = `${''.padEnd(26)}${names.map((n) => n.padStart(24)).join('')}`;
  console.log('Adaptive parameters per case');
  console.log(header);
  for (const [label, t] of rows) console.log(`${label.padEnd(26)}${Array.from(await t.data()).map((v) => fmt(v).padStart(24)).join('')}`);
  disposeAdaptiveParameters(p);

  console.log('\nLosses per case (mean over voxels; lower is better)');
  console.log(header);
  for (const name of LOSS_NAMES) {
    const loss = createLoss(name);
    const perCase = tf.tidy(() => tf.stack(names.map((_, i) => loss(tf.slice(mask, i, 1), tf.slice(logits, i, 1)))));
    const values = Array.from(await perCase.data());
    perCase.dispose();
    console.log(`${name.padEnd(26)}${values.map((v) => fmt(v).padStart(24)).join('')}`);
  }

  const probs = tf.sigmoid(logits);
  console.log('\nMetrics of the prediction per case');
  console.log(header);
  const metrics: Array<[string, number[]]> = [
    ['Dice', await diceScore(mask, probs)],
    ['IoU', await iouScore(mask, probs)],
    ['sensitivity', await sensitivity(mask, probs)],
    ['specificity', await specificity(mask, probs)],
    ['HD95 (voxels)', await hausdorff95(mask, probs)],
    ["authors' soft Dice", await authorsSoftDice(mask, logits)],
  ];
  for (const [label, values] of metrics) console.log(`${label.padEnd(26)}${values.map((v) => fmt(v).padStart(24)).join('')}`);
  console.log('\ngammaMSa / gammaVa (surface per volume) is largest for the small and irregular lesions.');
  tf.dispose([mask, logits, probs]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
