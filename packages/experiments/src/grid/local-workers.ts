import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface LocalWorkerOptions {
  outDir: string;
  /** Cell indices into `<outDir>/cells.json`. */
  pending: number[];
  workers: number;
  /** Extra `afl run-cell` arguments. */
  args?: string[];
  log?: (line: string) => void;
  cli?: string;
}

/**
 * Runs the pending cells in `workers` child processes (`afl run-cell --index i`), the same cell/result contract as a
 * Slurm array. Returns the indices of the cells whose process failed.
 */
export async function runLocalWorkers(options: LocalWorkerOptions): Promise<number[]> {
  const queue = [...options.pending];
  const failed: number[] = [];
  const cli = options.cli ?? path.resolve(__dirname, '..', 'cli.js');
  const worker = async (w: number): Promise<void> => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const code = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [cli, 'run-cell', '--index', String(index), '--out', options.outDir, ...(options.args ?? [])], {
          stdio: ['ignore', 'inherit', 'pipe'],
          env: { ...process.env, AFL_WORKER: String(w) },
        });
        child.stderr?.on('data', (d: Buffer) => {
          for (const line of d.toString().split('\n')) if (line.trim() && !line.includes('[')) options.log?.(`[worker ${w}] ${line}`);
        });
        child.on('exit', (c) => resolve(c ?? 1));
      });
      options.log?.(`[worker ${w}] cell ${index}: ${code === 0 ? 'done' : `exit ${code}`}`);
      if (code !== 0) failed.push(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, (_, w) => worker(w)));
  return failed;
}
