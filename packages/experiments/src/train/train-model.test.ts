import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { diceLoss } from '@afl/core';
import { toyDataset, toyModel, weightsHash } from '../testing/toy';
import { convergenceOf, TrainingDivergedError, trainModel } from './train-model';
import { SgdOptimizer } from './sgd';

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `afl-${name}-`));
const loss = (m: tf.Tensor, l: tf.Tensor) => diceLoss(m, l) as tf.Scalar;
const sgd = { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 };

describe('SgdOptimizer', () => {
  it("follows PyTorch's update rule for momentum, Nesterov and weight decay (hand-worked)", () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = new SgdOptimizer({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.5 });
    const g = tf.tensor1d([0.2, 0.4]);
    opt.applyGradients([w], [g]);
    // d = g + 0.5 w = [0.7, -0.6]; b = d; nesterov d' = d + 0.9 b = [1.33, -1.14]; w = w - 0.1 d'
    assert.deepEqual(Array.from(w.dataSync()).map((v) => +v.toFixed(6)), [0.867, -1.886]);
    opt.applyGradients([w], [g]);
    // d = [0.2 + 0.4335, 0.4 - 0.943] = [0.6335, -0.543]; b = 0.9 [0.7, -0.6] + d = [1.2635, -1.083]
    // d' = d + 0.9 b = [1.77065, -1.5177]; w = [0.867 - 0.177065, -1.886 + 0.15177]
    const [a, b] = Array.from(w.dataSync());
    assert.ok(Math.abs(a - 0.689935) < 1e-6 && Math.abs(b + 1.734230) < 1e-6, `got ${a}, ${b}`);
    opt.dispose();
    tf.dispose([w, g]);
  });
});

describe('trainModel', () => {
  it('drives the loss down, keeps the best epoch, and leaks no tensor', async () => {
    await tf.setBackend('cpu');
    const model = toyModel(1);
    const before = tf.memory().numTensors;
    const r = await trainModel({ model, dataset: toyDataset(), loss, epochs: 6, seed: 3, optimizer: sgd });
    assert.equal(r.curve.length, 6);
    assert.ok(r.curve[5].trainLoss < r.curve[0].trainLoss, `loss ${r.curve[0].trainLoss} -> ${r.curve[5].trainLoss}`);
    const best = Math.max(...r.curve.map((c) => c.valDice));
    assert.equal(r.bestValDice, best);
    assert.equal(r.curve[r.bestEpoch - 1].valDice, best);
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  it('gives the same weights for the same seed and resumes bit for bit after an abrupt stop', async () => {
    const full = toyModel(1);
    await trainModel({ model: full, dataset: toyDataset(), loss, epochs: 3, seed: 9, optimizer: sgd, checkpointDir: tmp('full') });
    const again = toyModel(1);
    await trainModel({ model: again, dataset: toyDataset(), loss, epochs: 3, seed: 9, optimizer: sgd });
    assert.equal(await weightsHash(again), await weightsHash(full));
    const dir = tmp('resume');
    for (const [k, stop] of [4, 1, 5].entries()) {
      // Only the first run starts from the initial weights; the others must take everything from the checkpoint.
      const m = toyModel(k === 0 ? 1 : 7 + k);
      const r = await trainModel({ model: m, dataset: toyDataset(), loss, epochs: 3, seed: 9, optimizer: sgd, checkpointDir: dir, checkpointEverySteps: 2, stopAfterSteps: stop });
      assert.equal(r.completed, false);
      m.dispose();
    }
    const resumed = toyModel(3);
    const r = await trainModel({ model: resumed, dataset: toyDataset(), loss, epochs: 3, seed: 9, optimizer: sgd, checkpointDir: dir, checkpointEverySteps: 2 });
    assert.equal(r.resumed, true);
    assert.equal(await weightsHash(resumed), await weightsHash(full));
    [full, again, resumed].forEach((m) => m.dispose());
  });

  it('resumes bit for bit after kill -9 of the training process at random moments', async () => {
    const main = path.join(__dirname, '../testing/train-toy-main.js');
    const t0 = Date.now();
    const reference = spawnSync(process.execPath, [main, tmp('ref'), '1'], { encoding: 'utf8' });
    const runMs = Date.now() - t0;
    assert.equal(reference.status, 0, reference.stderr);
    const dir = tmp('kill');
    let kills = 0;
    for (const delay of [0.35, 0.5, 0.65, 0.8].map((f) => f * runMs)) {
      const child = spawn(process.execPath, [main, dir, '1'], { stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills += 1;
      }
      await exited;
    }
    const finished = spawnSync(process.execPath, [main, dir, '1'], { encoding: 'utf8' });
    assert.equal(finished.status, 0, finished.stderr);
    assert.ok(kills > 0, 'no run was killed: the timings are too short for this machine');
    assert.equal(finished.stdout.trim(), reference.stdout.trim());
  });

  it('stops on a non-finite loss naming the step and the case, and keeps the last good checkpoint', async () => {
    const model = toyModel(4);
    const dir = tmp('nan');
    let calls = 0;
    const poisoned = (m: tf.Tensor, l: tf.Tensor) => {
      calls += 1;
      return (calls === 9 ? tf.mul(diceLoss(m, l), NaN) : diceLoss(m, l)) as tf.Scalar;
    };
    await assert.rejects(
      trainModel({ model, dataset: toyDataset(), loss: poisoned, epochs: 3, seed: 1, optimizer: sgd, checkpointDir: dir }),
      (e: unknown) => {
        assert.ok(e instanceof TrainingDivergedError);
        assert.equal(e.epoch, 2);
        assert.equal(e.step, 3);
        assert.equal(e.caseIds.length, 1);
        assert.ok(Number.isFinite(e.lastFiniteLoss));
        assert.match(e.message, /loss is NaN at epoch 2, step 3 \(cases toy-\d\); last finite loss/);
        return true;
      },
    );
    assert.ok(fs.existsSync(path.join(dir, 'last.ckpt')));
    model.dispose();
  });

  it('stops once validation Dice has plateaued for `patience` epochs, and not while it is below the floor', async () => {
    // A loss with zero gradient and no weight decay leaves the weights (all but batch norm's running statistics), hence
    // validation Dice, nearly constant: epoch 1 sets the best, epochs 2 and 3 do not beat it by 0.01, so patience 2
    // stops after epoch 3.
    const still = (m: tf.Tensor, l: tf.Tensor) => tf.mul(tf.sum(l), 0) as tf.Scalar;
    const frozen = { ...sgd, weightDecay: 0 };
    const criterion = { patience: 2, minDelta: 0.01, minEpochs: 1, floor: 0, window: 1 };
    const m1 = toyModel(5);
    const stopped = await trainModel({ model: m1, dataset: toyDataset(), loss: still, epochs: 8, seed: 2, optimizer: frozen, convergence: criterion });
    assert.equal(stopped.curve.length, 3);
    assert.equal(stopped.converged, true);
    assert.ok(stopped.curve.every((c) => Math.abs(c.valDice - stopped.curve[0].valDice) < 0.01));
    const m2 = toyModel(5);
    const dice = stopped.curve[0].valDice;
    const capped = await trainModel({ model: m2, dataset: toyDataset(), loss: still, epochs: 5, seed: 2, optimizer: frozen, convergence: { ...criterion, floor: dice + 0.5 } });
    assert.equal(capped.curve.length, 5);
    assert.equal(capped.converged, false);
    const m3 = toyModel(5);
    const late = await trainModel({ model: m3, dataset: toyDataset(), loss: still, epochs: 8, seed: 2, optimizer: frozen, convergence: { ...criterion, minEpochs: 6 } });
    assert.equal(late.curve.length, 6);
    [m1, m2, m3].forEach((m) => m.dispose());
  });

  it('judges convergence on the moving mean of the curve (hand-worked)', () => {
    const c = { patience: 3, minDelta: 0.01, minEpochs: 4, floor: 0.2, window: 2 };
    // smoothed: 0, 0.15, 0.3, 0.3, 0.315, 0.33, 0.31: improvements (>= best + 0.01) at epochs 1, 2, 3, 5, 6
    const curve = [0, 0.3, 0.3, 0.3, 0.33, 0.33, 0.29];
    assert.deepEqual(convergenceOf(curve.slice(0, 4), c), { converged: false, lastImprovementEpoch: 3 });
    assert.deepEqual(convergenceOf(curve, c), { converged: false, lastImprovementEpoch: 6 });
    assert.deepEqual(convergenceOf([...curve, 0.3, 0.3], c), { converged: true, lastImprovementEpoch: 6 });
    // never above the floor: not converged however flat
    assert.equal(convergenceOf([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], c).converged, false);
  });

  it('resumes a converged run without training further', async () => {
    const still = (m: tf.Tensor, l: tf.Tensor) => tf.mul(tf.sum(l), 0) as tf.Scalar;
    const dir = tmp('converged');
    const options = { dataset: toyDataset(), loss: still, epochs: 8, seed: 2, optimizer: { ...sgd, weightDecay: 0 }, checkpointDir: dir, convergence: { patience: 1, minDelta: 0.01, minEpochs: 1, floor: 0, window: 1 } };
    const m1 = toyModel(6);
    const first = await trainModel({ ...options, model: m1 });
    const m2 = toyModel(6);
    const again = await trainModel({ ...options, model: m2 });
    assert.equal(first.curve.length, 2);
    assert.equal(again.curve.length, 2);
    assert.equal(again.resumed, true);
    assert.equal(again.converged, true);
    [m1, m2].forEach((m) => m.dispose());
  });
});
