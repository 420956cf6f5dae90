import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CellResult } from '../results/result-schema';
import { LocalSlurmCluster, slurmUnavailable } from '../testing/slurm-cluster';

const CLI = path.join(__dirname, '..', 'cli.js');
const GRID = ['--profile', 'smoke', '--tables', '1', '--epochs', '6', '--backend', 'cpu'];

function afl(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The parts of a result that must not depend on how or where the cell ran. */
function outcome(r: CellResult) {
  return { cases: r.cases, curve: r.curve.map((c) => ({ ...c, seconds: 0 })), bestEpoch: r.bestEpoch };
}

const unavailable = slurmUnavailable();
if (unavailable) console.log(`# skipping the Slurm integration test: ${unavailable}`);

describe('the grid on a real Slurm cluster', { skip: unavailable ?? false }, () => {
  it('runs a job array of cells, survives a USR1 checkpoint + requeue and a hard requeue, and gives each result once, equal to a direct run', async () => {
    const cluster = new LocalSlurmCluster();
    await cluster.start();
    try {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-slurm-grid-'));
      const emitted = afl(['grid', ...GRID, '--out', out, '--emit', 'slurm', '--time', '00:30:00']);
      assert.equal(emitted.status, 0, `emit: ${emitted.stderr}`);
      const script = path.join(out, 'afl-grid.sbatch');
      assert.match(fs.readFileSync(script, 'utf8'), /#SBATCH --array=0-1\n[\s\S]*--requeue[\s\S]*--signal=B:USR1@120/);
      const submitted = cluster.run('sbatch', ['--parsable', script]);
      assert.equal(submitted.status, 0, `sbatch: ${submitted.stderr}`);
      const jobId = submitted.stdout.trim().split(';')[0];
      // Wait until task 0 is training (its log shows an epoch), then send it USR1 as Slurm does before a time limit.
      const log0 = () => fs.readdirSync(path.join(out, 'logs')).filter((f) => f.endsWith('_0.out')).map((f) => fs.readFileSync(path.join(out, 'logs', f), 'utf8')).join('');
      let signalled = false;
      for (let i = 0; i < 600 && !signalled; i++) {
        if (/epoch [1-4]\/6/.test(log0())) {
          // "Job can not be altered now" is transient (e.g. while slurmctld saves state): retry briefly.
          for (let k = 0; k < 20 && !signalled; k++) {
            const r = cluster.run('scancel', ['--batch', '--signal=USR1', `${jobId}_0`]);
            if (r.status === 0) signalled = true;
            else if (k === 19) assert.fail(`scancel: ${r.stderr}\n${log0()}`);
            else await sleep(250);
          }
        } else await sleep(200);
      }
      assert.ok(signalled, `task 0 never started training:\n${log0()}`);
      // Task 1 gets no warning: scontrol requeue kills it mid-run and queues it again; it resumes from its last
      // checkpoint (written at every epoch's end).
      const log1 = () => fs.readdirSync(path.join(out, 'logs')).filter((f) => f.endsWith('_1.out')).map((f) => fs.readFileSync(path.join(out, 'logs', f), 'utf8')).join('');
      let killed = false;
      for (let i = 0; i < 600 && !killed; i++) {
        if (/epoch [2-4]\/6/.test(log1())) {
          for (let k = 0; k < 20 && !killed; k++) {
            const r = cluster.run('scontrol', ['requeue', `${jobId}_1`]);
            if (r.status === 0) killed = true;
            else if (k === 19) assert.fail(`scontrol requeue: ${r.stderr}\n${log1()}`);
            else await sleep(250);
          }
        } else await sleep(200);
      }
      assert.ok(killed, `task 1 never reached epoch 2:\n${log1()}`);
      for (let i = 0; i < 1800; i++) {
        const q = cluster.run('squeue', ['-h', '-j', jobId]);
        if (q.status === 0 && q.stdout.trim() === '') break;
        await sleep(500);
      }
      assert.match(log0(), /checkpointed; requeueing/);
      assert.match(log0(), /stopped on request; its checkpoint is saved/);
      // The requeued task 1 logged a second start, and its second run did not start from epoch 1.
      assert.equal(log1().split('[afl/backend]').length - 1, 2, log1());
      const files = fs.readdirSync(path.join(out, 'cells')).filter((f) => f.endsWith('.json'));
      assert.equal(files.length, 2, `results: ${files.join(', ')}`);
      const direct = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-direct-'));
      const run = afl(['grid', ...GRID, '--out', direct]);
      assert.equal(run.status, 0, run.stderr.slice(-2000));
      for (const f of files) {
        const viaSlurm = JSON.parse(fs.readFileSync(path.join(out, 'cells', f), 'utf8')) as CellResult;
        const directly = JSON.parse(fs.readFileSync(path.join(direct, 'cells', f), 'utf8')) as CellResult;
        assert.deepEqual(outcome(viaSlurm), outcome(directly), f);
      }
      const again = afl(['grid', ...GRID, '--out', out, '--emit', 'slurm']);
      assert.match(again.stderr, /0 of 2 cells pending/);
    } finally {
      cluster.stop();
    }
  });
});
