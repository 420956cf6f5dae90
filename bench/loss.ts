// bench/loss: A-FL (adaptive parameters + loss + gradient) against plain focal loss (loss + gradient) on the paper's
// PI-CAI crop [1, 24, 160, 128, 1] with a small irregular lesion, on the wasm and cpu backends.
// Target: A-FL <= 1.3x focal's time. Run: npm run bench:loss
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { adaptiveFocalLoss, focalLoss } from '@afl/core';

const SHAPE = [1, 24, 160, 128, 1];

function lesionMask(): tf.Tensor {
  const [, d, h, w] = SHAPE;
  const data = new Float32Array(d * h * w);
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const dz = (z - 12) * 6;
        const dy = y - 80;
        const dx = x - 64;
        const r = Math.sqrt(dz * dz + dy * dy + dx * dx);
        const wobble = 1 + 0.35 * Math.sin(5 * Math.atan2(dy, dx)) * Math.cos(2 * Math.atan2(dz, dx));
        if (r < 9 * wobble) data[(z * h + y) * w + x] = 1;
      }
    }
  }
  return tf.tensor(data, SHAPE);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median times of `a` and `b`, run alternately so that both see the same machine load. */
function timeInterleaved(a: () => void, b: () => void, reps: number): [number, number] {
  a();
  b();
  a();
  b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    for (const [f, out] of [[a, ta], [b, tb]] as Array<[() => void, number[]]>) {
      const t0 = process.hrtime.bigint();
      f();
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return [median(ta), median(tb)];
}

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 15);
  console.log(`bench/loss: input ${JSON.stringify(SHAPE)}, median of ${reps} runs each, interleaved, after 2 warm-ups`);
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await tf.ready();
    const mask = lesionMask();
    const logits = tf.tidy(() => tf.add(tf.mul(tf.sub(mask, 0.5), 6), tf.randomNormal(SHAPE, 0, 2, 'float32', 1)));
    const fg = tf.tidy(() => tf.sum(mask).dataSync()[0]);
    const grad = (f: (x: tf.Tensor) => tf.Tensor) => () => {
      const { value, grad: g } = tf.valueAndGrad((x: tf.Tensor) => f(x) as tf.Scalar)(logits);
      g.dataSync();
      tf.dispose([value, g]);
    };
    const before = tf.memory().numTensors;
    const [focalMs, aflMs] = timeInterleaved(
      grad((x) => focalLoss(mask, x, { alpha: 0.25, gamma: 2 })),
      grad((x) => adaptiveFocalLoss(mask, x)),
      reps,
    );
    const leaked = tf.memory().numTensors - before;
    console.log(
      `${backend.padEnd(5)} lesion ${fg} voxels | focal + grad ${focalMs.toFixed(1)} ms | A-FL (parameters + loss + grad) ${aflMs.toFixed(1)} ms | ratio ${(aflMs / focalMs).toFixed(2)}x (target <= 1.30) | leaked tensors ${leaked}`,
    );
    tf.dispose([mask, logits]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
