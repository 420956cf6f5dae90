import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LocalWorkerOptions {
  outDir: string;
  /** Cell indices into `<outDir>/cells.json`. */
  pending: number[];
  workers: number;
  /** Extra `afl run-cell` arguments. */
  args?: string[];
  log?: (line: string) => void;
  /** A status line redrawn in place (a terminal); absent: only the log lines. */
  status?: (line: string) => void;
  cli?: string;
  /** CPU cores shared by the workers (default: this machine's). */
  cores?: number;
}

export interface LocalWorkersSummary {
  /** Indices of the cells whose process failed. */
  failed: number[];
  seconds: number;
}

/** The most worker processes `--workers auto` starts: one per core, at most 8 and at most one per pending cell. */
export function autoWorkers(pending: number, cores = availableCores()): number {
  return Math.max(1, Math.min(cores, 8, pending));
}

/**
 * Threads each worker's native kernels get (`AFL_THREADS`), so that the workers together use the cores once: the
 * small CPU-profile models gain nothing from a second thread (the same cell: 32 s with 1 thread or 2), so two
 * single-thread workers on 2 cores finish the grid in about half the time.
 */
export function threadsPerWorker(workers: number, cores = availableCores()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

function availableCores(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** What a line of a worker's output is: its cell finished, a progress line, the backend banner, noise, or anything else. */
function classify(line: string): { kind: 'done'; text: string } | { kind: 'progress'; epoch: string } | { kind: 'banner' | 'noise' | 'other' } {
  if (/^cell \d+ \S+ (done in|already has a result)/.test(line)) return { kind: 'done', text: line.replace(/^cell \d+ /, '') };
  const epoch = /\bepoch (\d+\/\d+) step/.exec(line);
  if (epoch) return { kind: 'progress', epoch: epoch[1] };
  if (line.startsWith('[afl/backend]')) return { kind: 'banner' };
  // Dawn's note when the webgpu backend is probed, once per process.
  if (/^Warning: maxDynamic\w+ artificially reduced/.test(line)) return { kind: 'noise' };
  return { kind: 'other' };
}

/**
 * Runs the pending cells in `workers` child processes (`afl run-cell --index i`), the same cell/result contract as a
 * Slurm array, each with `AFL_THREADS` = cores / workers unless the environment sets it. Logs one line per finished
 * cell (count, elapsed time), the backend banner once, and a failed cell's last output lines.
 */
export async function runLocalWorkers(options: LocalWorkerOptions): Promise<LocalWorkersSummary> {
  const started = Date.now();
  const queue = [...options.pending];
  const failed: number[] = [];
  const workers = Math.max(1, options.workers);
  const threads = process.env.AFL_THREADS ?? String(threadsPerWorker(workers, options.cores));
  const cli = options.cli ?? path.resolve(__dirname, '..', 'cli.js');
  const running = new Map<number, string>();
  let finished = 0;
  let bannerShown = false;
  const minutes = () => ((Date.now() - started) / 60000).toFixed(1);
  const drawStatus = () => options.status?.(`${finished}/${options.pending.length} cells done, ${minutes()} min; ${[...running].map(([w, s]) => `w${w} ${s}`).join(' · ')}`);

  const runOne = (w: number, index: number): Promise<number> =>
    new Promise<number>((resolve) => {
      const tail: string[] = [];
      const child = spawn(process.execPath, [cli, 'run-cell', '--index', String(index), '--out', options.outDir, ...(options.args ?? [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AFL_WORKER: String(w), AFL_THREADS: threads },
      });
      running.set(w, `cell ${index}`);
      const onLine = (line: string) => {
        const c = classify(line);
        if (c.kind === 'done') {
          finished++;
          options.log?.(`[${finished}/${options.pending.length}, ${minutes()} min] ${c.text}`);
        } else if (c.kind === 'progress') {
          running.set(w, `cell ${index} epoch ${c.epoch}`);
          drawStatus();
        } else if (c.kind === 'banner' && !bannerShown) {
          bannerShown = true;
          options.log?.(`${line} (in each of ${workers} worker(s), AFL_THREADS=${threads})`);
        } else if (c.kind === 'other') {
          tail.push(line);
          if (tail.length > 30) tail.shift();
        }
      };
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream.setEncoding('utf8'); // a character split across two chunks stays whole
        stream.on('data', (d: string) => {
          const lines = (rest + d).split(/\r|\n/);
          rest = lines.pop() ?? '';
          for (const l of lines) if (l.trim()) onLine(l);
        });
        stream.on('end', () => rest.trim() && onLine(rest));
      }
      child.on('close', (code) => {
        running.delete(w);
        // A failed cell's last lines say why; a finished one's (e.g. a skipped overlay) are worth seeing too.
        for (const l of tail) options.log?.(`[worker ${w}] ${l}`);
        if (code !== 0) options.log?.(`[worker ${w}] cell ${index}: exit ${code ?? 'by signal'}`);
        resolve(code ?? 1);
      });
    });

  const worker = async (w: number): Promise<void> => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      if ((await runOne(w, index)) !== 0) failed.push(index);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return { failed, seconds: (Date.now() - started) / 1000 };
}
