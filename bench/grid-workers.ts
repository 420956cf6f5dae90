/**
 * bench/grid-workers: wall time of the same grid cells run one after the other in one process (`afl grid`, the
 * native kernels on every core) and spread over worker processes (`afl grid --workers K`, cores / K threads each),
 * measured in the same run. What `npm start --workers auto` gains on this machine.
 *
 * Usage: npm run bench:workers [-- --profile quick --cells 0,1,2,3,4,5 --epochs 15 --workers 2]
 *
 * The cells are trained for `--epochs` epochs (a fixed budget: the quick profile's convergence rule waits at least
 * 30, so a shorter limit trains every cell exactly that long) into temporary folders that are removed afterwards.
 * Target: 2 workers on 2 cores at least 1.5x the serial throughput.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const cli = path.resolve(__dirname, '..', '..', 'packages', 'experiments', 'dist', 'cli.js');
const profile = flag('profile', 'quick');
const cells = flag('cells', '0,1,2,3,4,5');
const epochs = flag('epochs', '15');
const workers = Number(flag('workers', String(Math.min(os.availableParallelism(), 8))));

function runGrid(label: string, extra: string[]): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-bench-workers-'));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'grid', '--profile', profile, '--epochs', epochs, '--only', cells, '--out', out, ...extra], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  console.log(`${label.padEnd(44)} ${seconds.toFixed(1)} s`);
  return seconds;
}

console.log(`${profile} profile, cells ${cells}, ${epochs} epochs each; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
const serial = runGrid('one process, native kernels on all cores', []);
const parallel = runGrid(`${workers} worker processes (AFL_THREADS=${Math.max(1, Math.floor(os.availableParallelism() / workers))})`, ['--workers', String(workers)]);
const ratio = serial / parallel;
console.log(`throughput ratio workers / serial: ${ratio.toFixed(2)}x (target >= 1.5x with 2 workers on 2 cores): ${ratio >= 1.5 ? 'met' : 'NOT met'}`);
