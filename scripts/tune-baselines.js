#!/usr/bin/env node
// Trains the baseline losses (focal, CE, Dice) of one dataset/model of a profile, exactly as its grid cells train
// (same cases, split, augmentation, output prior and convergence criterion), at candidate settings, and prints their
// validation-Dice curves: how the CPU profiles' settings were chosen (never on A-FL's results).
// Usage: node scripts/tune-baselines.js --profile quick --dataset picai|brats --model resnet50-unet
//        [--lr 0.05 --epochs 70 --patience 10 --min-epochs 15 --augment true|false --losses focal,ce,dice --seed 1
//         --contrast lo,hi (PI-CAI phantom lesion contrast) --val N (validation cases) --picai-labels DIR (PI-CAI cells on the real masks, as the standard profile's results)]
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const dist = (p) => path.join(__dirname, '..', 'packages', 'experiments', 'dist', p);
const { parseArgs } = require(dist('cli/parse-args'));
const { gridCells, PROFILES } = require(dist('config'));
const { createEnvironment } = require(dist('grid/environment'));
const { runCell } = require(dist('grid/run-cell'));

const num = (v, fallback) => (v === undefined ? fallback : Number(v));

async function main() {
  const { flags } = parseArgs(process.argv.slice(2));
  const profile = String(flags.profile ?? 'quick');
  const dataset = flags.dataset === 'brats' ? 'brats' : 'picai';
  const model = String(flags.model ?? 'resnet50-unet');
  const losses = String(flags.losses ?? 'focal,ce,dice').split(',');
  const seed = num(flags.seed, 1);
  const spec = PROFILES[profile];
  const overrides = {
    ...(flags.lr !== undefined ? { learningRate: Number(flags.lr) } : {}),
    ...(flags.epochs !== undefined ? { epochs: Number(flags.epochs) } : {}),
    ...(flags.augment !== undefined ? { augment: flags.augment === 'true' } : {}),
  };
  if (flags.contrast !== undefined) spec.picai.phantom = { ...spec.picai.phantom, lesionContrast: String(flags.contrast).split(',').map(Number) };
  if (flags.val !== undefined) for (const d of [spec.picai, spec.brats]) d.cases = { ...d.cases, val: Number(flags.val) };
  const picaiLabels = flags['picai-labels'] ? String(flags['picai-labels']) : undefined;
  const cells = gridCells({ profile, seeds: seed, overrides, picaiLabels: Boolean(picaiLabels), tables: [1, 2, 3, 4] }).filter(
    (c) => c.seed === seed && c.model === model && !c.ablation && (dataset === 'brats') === c.dataset.endsWith('brats'),
  );
  const env = await createEnvironment({ profile, picaiLabels, quiet: true });
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-tune-'));
  const setting = `lr ${cells[0]?.training.learningRate} epochs ${cells[0]?.training.epochs} augment ${cells[0]?.training.augment}`;
  for (const loss of losses) {
    // the grid's own cell, or (a loss the grid does not train on this dataset, e.g. CE on BraTS) its FL cell's settings
    const own = cells.find((c) => c.loss === loss);
    const template = own ?? cells.find((c) => c.loss === 'focal');
    if (!template) throw new Error(`no ${dataset} ${model} cell in profile ${profile}`);
    const cell = own ?? { ...template, loss, cellId: `${template.cellId}-as-${loss}` };
    if (spec.convergence && (flags.patience !== undefined || flags['min-epochs'] !== undefined)) {
      const c = { ...spec.convergence, patience: num(flags.patience, spec.convergence.patience), minEpochs: num(flags['min-epochs'], spec.convergence.minEpochs) };
      cell.training = { ...cell.training, convergence: c };
    }
    const t0 = Date.now();
    const r = await runCell(cell, { ...env, outDir, overlays: false });
    const val = r.cases.filter((c) => c.split === 'val' && c.dice !== null);
    const dice = val.reduce((a, c) => a + c.dice, 0) / val.length;
    const s = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`${env.backend} ${profile} ${cell.dataset} ${model} ${loss} ${setting} patience ${cell.training.convergence?.patience ?? '-'} min-epochs ${cell.training.convergence?.minEpochs ?? '-'}${flags.contrast ? ` contrast ${flags.contrast}` : ''}${flags.val ? ` val ${flags.val}` : ''}: ${s}s, ` +
      `val Dice ${dice.toFixed(3)} (best epoch ${r.bestEpoch} of ${r.curve.length}, converged ${r.convergence?.converged ?? 'n/a'})`);
    console.log(`  dice ${r.curve.map((c) => c.valDice.toFixed(2)).join(' ')}`);
    console.log(`  loss ${r.curve.map((c) => c.trainLoss.toPrecision(2)).join(' ')}`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
