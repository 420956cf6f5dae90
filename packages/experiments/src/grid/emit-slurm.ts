import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SlurmOptions {
  /** Results folder shared by every node (cells/, checkpoints/, logs/). */
  outDir: string;
  /** Indices into `<outDir>/cells.json` of the cells to run (one array task each). */
  pending: number[];
  profile: string;
  partition?: string;
  /** GPUs per task (`--gres=gpu:N`); 0 for none. */
  gpus?: number;
  /** Time limit per task, e.g. `12:00:00`. */
  time?: string;
  /** Memory per task, e.g. `32G`. */
  mem?: string;
  cpusPerTask?: number;
  /** At most this many tasks at once (`%M` of `--array`). */
  maxParallel?: number;
  /** Extra arguments of `afl run-cell` (e.g. `--picai DIR --backend tensorflow`). */
  runCellArgs?: string[];
  /** The afl CLI entry (default: this installation's `cli.js`). */
  cli?: string;
  node?: string;
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes `<outDir>/pending.json` and an sbatch script for a job array with one task per pending cell. Each task runs
 * `afl run-cell --index <cell>`; Slurm's `--signal=B:USR1@120` reaches the batch shell two minutes before the time
 * limit, the shell forwards it to the cell, which saves its checkpoint and exits 3, and the task requeues itself
 * (`--requeue`), so a preempted or timed-out cell resumes instead of starting over.
 */
export function emitSlurm(options: SlurmOptions): { script: string; pendingFile: string } {
  const out = path.resolve(options.outDir);
  fs.mkdirSync(path.join(out, 'logs'), { recursive: true });
  const pendingFile = path.join(out, 'pending.json');
  fs.writeFileSync(pendingFile, `${JSON.stringify(options.pending)}\n`);
  const cli = options.cli ?? path.resolve(__dirname, '..', 'cli.js');
  const node = options.node ?? process.execPath;
  const n = options.pending.length;
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=afl-${options.profile}`,
    `#SBATCH --array=0-${Math.max(n - 1, 0)}${options.maxParallel ? `%${options.maxParallel}` : ''}`,
    `#SBATCH --output=${out}/logs/%A_%a.out`,
    '#SBATCH --open-mode=append',
    '#SBATCH --requeue',
    '#SBATCH --signal=B:USR1@120',
    ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
    ...(options.gpus ? [`#SBATCH --gres=gpu:${options.gpus}`] : []),
    ...(options.time ? [`#SBATCH --time=${options.time}`] : []),
    ...(options.mem ? [`#SBATCH --mem=${options.mem}`] : []),
    ...(options.cpusPerTask ? [`#SBATCH --cpus-per-task=${options.cpusPerTask}`] : []),
    '',
    `# ${n} pending cell(s) of ${out}/cells.json; written by afl grid --emit slurm. Submit: sbatch ${path.join(out, 'afl-grid.sbatch')}`,
    'set -uo pipefail',
    'export TURBO_TELEMETRY_DISABLED=1',
    // Trap first: a signal that arrives before the cell starts must not kill the shell.
    'CHILD=""',
    "trap '[ -n \"$CHILD\" ] && kill -USR1 $CHILD' USR1 TERM",
    `INDEX=$(${quote(node)} -e 'console.log(require(process.argv[1])[Number(process.argv[2])])' ${quote(pendingFile)} "$SLURM_ARRAY_TASK_ID")`,
    `${quote(node)} ${quote(cli)} run-cell --index "$INDEX" --out ${quote(out)} ${(options.runCellArgs ?? []).map(quote).join(' ')} &`,
    'CHILD=$!',
    'wait $CHILD; STATUS=$?',
    // `wait` returns early when a trapped signal arrives; wait again for the checkpoint to be written.
    'if kill -0 $CHILD 2>/dev/null; then wait $CHILD; STATUS=$?; fi',
    'if [ "$STATUS" = 3 ]; then',
    '  echo "afl: cell $INDEX checkpointed; requeueing ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"',
    '  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"',
    'fi',
    'exit $STATUS',
    '',
  ];
  const script = path.join(out, 'afl-grid.sbatch');
  fs.writeFileSync(script, lines.join('\n'), { mode: 0o755 });
  return { script, pendingFile };
}
