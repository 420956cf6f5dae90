#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gridCells, PROFILES, PROTOCOLS, TableId } from './config';
import { HELP } from './cli/commands';
import { checkFlags, choiceFlag, intFlag, numberFlag, parseArgs, ParsedArgs, stringFlag, UsageError } from './cli/parse-args';
import { createEnvironment } from './grid/environment';
import { pendingCells, runGrid, writeCellList } from './grid/run-grid';
import { emitSlurm } from './grid/emit-slurm';
import { autoWorkers, runLocalWorkers } from './grid/local-workers';
import { CellInterruptedError } from './grid/run-cell';
import { cellIdOf } from './config';
import { Cell, runCell, resultPath } from './grid/run-cell';
import { DATASET_NAMES, paperDatasetOf, PROFILE_NAMES, PROTOCOL_NAMES, type CellResult } from './results/result-schema';
import { LOSS_NAMES } from '@afl/core';
import { MODEL_NAMES } from '@afl/models';
import { createProgressReporter } from './train/progress';
import { writeReport } from './report/write-report';
import { loadCell, readCellFlag } from './cli/cell-model';
import { evaluateLoadedCell } from './cli/eval-predict';
import { predictStudyCommand } from './cli/predict-command';
import { BACKEND_NAMES, describeBackends, initBackend } from '@afl/backend';
import { formatDoctor } from './cli/doctor';

const BACKENDS = BACKEND_NAMES;

function parseTables(value: string | undefined): TableId[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((t) => {
    const s = t.trim();
    if (s === 'figure3' || s === 'fig3') return 'figure3';
    const n = Number(s);
    if (![1, 2, 3, 4, 5].includes(n)) throw new UsageError(`--tables takes a comma-separated list of 1,2,3,4,5,figure3; got ${JSON.stringify(s)}`);
    return n as 1 | 2 | 3 | 4 | 5;
  });
}

function existingDir(parsed: ParsedArgs, name: string): string | undefined {
  const dir = stringFlag(parsed, name);
  if (dir !== undefined && !fs.existsSync(dir)) throw new UsageError(`--${name} ${dir}: no such folder`);
  return dir;
}

/** The data folders a command was given: `--picai`, `--brats`, `--picai-labels`. */
function dataFolders(parsed: ParsedArgs): { picai?: string; brats?: string; picaiLabels?: string } {
  return { picai: existingDir(parsed, 'picai'), brats: existingDir(parsed, 'brats'), picaiLabels: existingDir(parsed, 'picai-labels') };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function report(outDir: string, expected?: Cell[], metrics: 'hard' | 'soft' = 'hard'): Promise<void> {
  const r = writeReport({ dir: outDir, expected, metrics });
  process.stdout.write(`${r.markdown}\n`);
  log(`\nTables and Figure 3 written to ${path.dirname(r.files.report)}:`);
  for (const f of r.written) log(`  ${f}`);
}

/** `--workers K` or `--workers auto` (one per core, see autoWorkers); undefined when absent. */
function workersFlag(parsed: ParsedArgs): ((pending: number) => number) | undefined {
  if (parsed.flags.workers === 'auto') return (pending) => autoWorkers(pending);
  const k = intFlag(parsed, 'workers');
  return k === undefined ? undefined : () => k;
}

/** Runs the pending cells in worker processes, then writes the report; fails naming the cells that failed. */
async function runWorkers(outDir: string, cells: Cell[], pending: number[], finishedBefore: number, workers: number, args: string[]): Promise<void> {
  log(`${pending.length} of ${cells.length} cells pending; running them in ${workers} worker process(es); results in ${path.resolve(outDir)}`);
  const status = createStatusLine();
  const { failed, seconds } = await runLocalWorkers({ outDir, pending, workers, args, log: (l) => { status.clear(); log(l); }, status: status.draw });
  status.clear();
  log(`\n${pending.length - failed.length} cells run, ${finishedBefore} already done, ${failed.length} failed, ${cells.length} in the grid; ${(seconds / 60).toFixed(1)} min`);
  await report(outDir, cells);
  if (failed.length) throw new Error(`${failed.length} cell(s) failed: ${failed.join(', ')} (see the log lines above; finished cells are kept, run the same command again to retry)`);
}

/** One line redrawn in place on a terminal (nothing when stderr is not one). */
function createStatusLine(stream: NodeJS.WriteStream = process.stderr): { draw: (line: string) => void; clear: () => void } {
  let drawn = false;
  return {
    draw(line) {
      if (!stream.isTTY) return;
      const columns = stream.columns || 80;
      stream.write(`\r${line.length > columns - 1 ? line.slice(0, columns - 1) : line}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

async function gridCommand(parsed: ParsedArgs): Promise<void> {
  checkFlags('grid', parsed, ['profile', 'tables', 'seeds', 'protocol', 'epochs', 'lr', 'out', 'backend', 'picai', 'brats', 'picai-labels', 'only', 'list', 'help',
    'emit', 'workers', 'partition', 'gpus', 'time', 'mem', 'max-parallel', 'cpus-per-task']);
  const profile = choiceFlag(parsed, 'profile', PROFILE_NAMES);
  if (!profile) throw new UsageError(`afl grid: --profile is required (${PROFILE_NAMES.join(', ')}); see afl grid --help`);
  const { picai, brats, picaiLabels } = dataFolders(parsed);
  const options = {
    profile,
    picaiLabels: picaiLabels !== undefined,
    tables: parseTables(stringFlag(parsed, 'tables')),
    seeds: intFlag(parsed, 'seeds'),
    protocol: choiceFlag(parsed, 'protocol', PROTOCOL_NAMES),
    overrides: { ...(intFlag(parsed, 'epochs') ? { epochs: intFlag(parsed, 'epochs') } : {}), ...(numberFlag(parsed, 'lr') ? { learningRate: numberFlag(parsed, 'lr') } : {}) },
    outDir: stringFlag(parsed, 'out') ?? path.join('results', profile),
    only: stringFlag(parsed, 'only')?.split(',').map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--only takes cell indices, got ${JSON.stringify(s)}`);
      return n;
    }),
  };
  if (profile === 'paper' && !picai && !brats) throw new UsageError('afl grid --profile paper needs --picai DIR and/or --brats DIR (the real datasets)');
  if (parsed.flags.list) {
    const cells = gridCells(options);
    writeCellList(options.outDir, cells);
    cells.forEach((c, i) => process.stdout.write(`${i}\t${c.cellId}\ttables ${c.tables.join(',')}\n`));
    return;
  }
  const emit = choiceFlag(parsed, 'emit', ['slurm', 'local'] as const);
  const workers = workersFlag(parsed);
  const backend = choiceFlag(parsed, 'backend', BACKENDS);
  const passThrough = [...(backend ? ['--backend', backend] : []), ...(picai ? ['--picai', path.resolve(picai)] : []), ...(brats ? ['--brats', path.resolve(brats)] : []),
    ...(picaiLabels ? ['--picai-labels', path.resolve(picaiLabels)] : [])];
  if (emit === 'slurm') {
    const cells = gridCells(options);
    writeCellList(options.outDir, cells);
    const pending = pendingCells(options.outDir, cells);
    const { script } = emitSlurm({
      outDir: options.outDir,
      pending,
      profile,
      partition: stringFlag(parsed, 'partition'),
      gpus: intFlag(parsed, 'gpus', 0),
      time: stringFlag(parsed, 'time'),
      mem: stringFlag(parsed, 'mem'),
      maxParallel: intFlag(parsed, 'max-parallel'),
      cpusPerTask: intFlag(parsed, 'cpus-per-task'),
      runCellArgs: passThrough,
    });
    log(`${pending.length} of ${cells.length} cells pending; submit with: sbatch ${script}`);
    log(`then: afl report --out ${options.outDir}`);
    return;
  }
  if (emit === 'local' || workers) {
    const cells = gridCells(options);
    const outside = options.only?.find((i) => !cells[i]);
    if (outside !== undefined) throw new UsageError(`--only ${outside}: the grid's cells are 0..${cells.length - 1}`);
    writeCellList(options.outDir, cells);
    const pending = pendingCells(options.outDir, cells);
    const selected = options.only ? pending.filter((i) => options.only!.includes(i)) : pending;
    log(`afl grid --profile ${profile}: ${PROFILES[profile].description}`);
    return runWorkers(options.outDir, cells, selected, cells.length - pending.length, workers?.(selected.length) ?? 1, passThrough);
  }
  const env = await createEnvironment({ profile, backend, picai, brats, picaiLabels });
  const progress = createProgressReporter();
  log(`afl grid --profile ${profile}: ${PROFILES[profile].description}`);
  log(`backend ${env.backend}; results in ${path.resolve(options.outDir)}`);
  const summary = await runGrid(options, { ...env, onProgress: progress.update, log: (l) => { progress.done(); log(l); } });
  progress.done();
  log(`\n${summary.ran} cells run, ${summary.skipped} already done, ${summary.failed.length} failed, ${summary.cells.length} in the grid; ${(summary.seconds / 60).toFixed(1)} min`);
  for (const f of summary.failed) log(`  failed: ${f.cellId}: ${f.error}`);
  await report(options.outDir, summary.cells);
  if (summary.failed.length) throw new Error(`${summary.failed.length} cell(s) failed; see the errors above (a diverged cell diverges again with the same settings: lower --lr); finished cells are kept`);
}

async function reportCommand(parsed: ParsedArgs): Promise<void> {
  checkFlags('report', parsed, ['out', 'profile', 'metrics', 'help']);
  const profile = choiceFlag(parsed, 'profile', PROFILE_NAMES) ?? 'quick';
  const outDir = stringFlag(parsed, 'out') ?? path.join('results', profile);
  if (!fs.existsSync(path.join(outDir, 'cells'))) throw new UsageError(`afl report: ${outDir} has no cells/ folder of results (run afl grid first, or pass --out DIR)`);
  const listFile = path.join(outDir, 'cells.json');
  const expected = fs.existsSync(listFile) ? (JSON.parse(fs.readFileSync(listFile, 'utf8')) as Cell[]) : undefined;
  await report(outDir, expected, choiceFlag(parsed, 'metrics', ['hard', 'soft'] as const));
}

async function trainCommand(parsed: ParsedArgs): Promise<void> {
  checkFlags('train', parsed, ['dataset', 'model', 'loss', 'no-alpha-va', 'no-gamma-va', 'no-gamma-msa', 'profile', 'protocol', 'epochs', 'lr', 'seed', 'out', 'backend', 'picai', 'brats', 'picai-labels', 'help']);
  const model = choiceFlag(parsed, 'model', MODEL_NAMES);
  const loss = choiceFlag(parsed, 'loss', LOSS_NAMES);
  if (!model || !loss) throw new UsageError('afl train: --model and --loss are required; see afl train --help');
  const profile = choiceFlag(parsed, 'profile', PROFILE_NAMES) ?? 'quick';
  const dataset = choiceFlag(parsed, 'dataset', DATASET_NAMES) ?? 'phantom-picai';
  const [template] = gridCells({ profile, protocol: choiceFlag(parsed, 'protocol', PROTOCOL_NAMES), tables: [1] });
  const ablation = { useAlphaVa: !parsed.flags['no-alpha-va'], useGammaVa: !parsed.flags['no-gamma-va'], useGammaMSa: !parsed.flags['no-gamma-msa'] };
  const ds = paperDatasetOf(dataset) === 'brats' ? PROFILES[profile].brats : PROFILES[profile].picai;
  const base = {
    ...template,
    dataset,
    model,
    loss,
    seed: intFlag(parsed, 'seed') ?? 1,
    training: {
      ...template.training,
      inputShape: ds.inputShape,
      ...(intFlag(parsed, 'epochs') ? { epochs: intFlag(parsed, 'epochs') as number } : {}),
      ...(numberFlag(parsed, 'lr') ? { learningRate: numberFlag(parsed, 'lr') as number } : {}),
    },
    ...(loss === 'afl' && !(ablation.useAlphaVa && ablation.useGammaVa && ablation.useGammaMSa) ? { ablation } : {}),
  };
  delete (base as Partial<Cell>).cellId;
  const { tables: _tables, ...identity } = base;
  void _tables;
  const cell: Cell = { ...base, tables: [], cellId: cellIdOf(identity) };
  const outDir = stringFlag(parsed, 'out') ?? path.join('results', 'train');
  const env = await createEnvironment({ profile, backend: choiceFlag(parsed, 'backend', BACKENDS), ...dataFolders(parsed) });
  const progress = createProgressReporter();
  const r = await runCell(cell, { ...env, outDir, onProgress: progress.update, log });
  progress.done();
  const file = resultPath(outDir, cell.cellId);
  const res = r ?? (JSON.parse(fs.readFileSync(file, 'utf8')) as CellResult);
  const val = res.cases.filter((c) => c.split === 'val' && typeof c.dice === 'number' && !Number.isNaN(c.dice));
  log(`best epoch ${res.bestEpoch}; validation Dice ${(val.reduce((s, c) => s + c.dice, 0) / Math.max(val.length, 1)).toFixed(3)} over ${val.length} cases`);
  log(`result: ${file}`);
}

async function runCellCommand(parsed: ParsedArgs): Promise<number> {
  checkFlags('run-cell', parsed, ['index', 'out', 'backend', 'picai', 'brats', 'picai-labels', 'help']);
  const index = intFlag(parsed, 'index', 0);
  const outDir = stringFlag(parsed, 'out');
  if (index === undefined || !outDir) throw new UsageError('afl run-cell: --index N and --out DIR are required');
  const listFile = path.join(outDir, 'cells.json');
  if (!fs.existsSync(listFile)) throw new UsageError(`afl run-cell: ${listFile} not found (write it with afl grid --emit ...)`);
  const cells = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Cell[];
  const cell = cells[index];
  if (!cell) throw new UsageError(`afl run-cell: --index ${index} is outside 0..${cells.length - 1} of ${listFile}`);
  let stop = false;
  const onSignal = () => {
    stop = true;
    log(`afl run-cell: signal received; checkpointing ${cell.cellId} after the current step`);
  };
  process.on('SIGUSR1', onSignal);
  process.on('SIGTERM', onSignal);
  const env = await createEnvironment({ profile: cell.profile, backend: choiceFlag(parsed, 'backend', BACKENDS), ...dataFolders(parsed) });
  const progress = createProgressReporter();
  try {
    const r = await runCell(cell, { ...env, outDir, onProgress: progress.update, log, shouldStop: () => stop });
    progress.done();
    log(r ? `cell ${index} ${cell.cellId} done in ${r.timings.totalSeconds.toFixed(1)} s` : `cell ${index} ${cell.cellId} already has a result`);
    return 0;
  } catch (e) {
    progress.done();
    if (e instanceof CellInterruptedError) {
      log(`afl run-cell: ${e.message}`);
      return 3;
    }
    throw e;
  }
}

async function evalCommand(parsed: ParsedArgs): Promise<void> {
  checkFlags('eval', parsed, ['cell', 'split', 'out', 'backend', 'picai', 'brats', 'picai-labels', 'help']);
  const cellFile = stringFlag(parsed, 'cell');
  if (!cellFile) throw new UsageError('afl eval: --cell FILE is required (a result file in <results>/cells/)');
  const split = choiceFlag(parsed, 'split', ['val', 'test'] as const) ?? 'val';
  const loaded = await loadCellFromFlags(parsed, cellFile);
  const outDir = stringFlag(parsed, 'out') ?? path.join(loaded.outDir, 'eval');
  const r = await evaluateLoadedCell(loaded, split, outDir);
  loaded.model.dispose();
  log(`${r.cases} ${split} cases, mean Dice ${r.meanDice.toFixed(3)}; metrics: ${r.file}`);
}

async function predictCommand(parsed: ParsedArgs): Promise<void> {
  checkFlags('predict', parsed, ['cell', 'out', 'probabilities', 'png', 'gland', 'truth', 'threshold', 'backend', 'help']);
  await initBackend({ backend: choiceFlag(parsed, 'backend', BACKENDS) });
  await predictStudyCommand(parsed, log);
}

async function loadCellFromFlags(parsed: ParsedArgs, cellFile: string) {
  const finished = readCellFlag(cellFile);
  const env = await createEnvironment({ profile: finished.cell.profile, backend: choiceFlag(parsed, 'backend', BACKENDS), ...dataFolders(parsed) });
  return loadCell(finished, env);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const parsed = parseArgs(rest, ['list', 'help', 'no-alpha-va', 'no-gamma-va', 'no-gamma-msa']);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP.main);
    return command ? 0 : 2;
  }
  if (!(command in HELP) || command === 'main') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; commands: ${Object.keys(HELP).filter((c) => c !== 'main').join(', ')} (afl --help)`);
  }
  if (parsed.flags.help) {
    process.stdout.write(HELP[command]);
    return 0;
  }
  if (command === 'run-cell') return runCellCommand(parsed);
  if (command === 'grid') await gridCommand(parsed);
  else if (command === 'report') await reportCommand(parsed);
  else if (command === 'train') await trainCommand(parsed);
  else if (command === 'eval') await evalCommand(parsed);
  else if (command === 'predict') await predictCommand(parsed);
  else if (command === 'doctor') process.stdout.write(formatDoctor(await describeBackends()));
  return 0;
}

/** Runs `afl` with these arguments and exits with its code (2: usage error, 1: failure). What `bin/afl.js` calls. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      // One prefix: messages that already name the command ("afl train: ...") keep theirs.
      process.stderr.write(`${/^afl\b/.test(message) ? message : `afl: ${message}`}\n`);
      if (e instanceof UsageError) process.exit(2);
      if (process.env.AFL_DEBUG) console.error(e);
      process.exit(1);
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
