#!/usr/bin/env node
// Trains the baseline losses (focal, CE, Dice) of one dataset/model at candidate settings and prints their
// validation-Dice curves: how the quick and standard profiles' settings were chosen (never on A-FL's results).
// Usage: node scripts/tune-baselines.js --dataset picai|brats --model unet --shape 8,32,32 --lr 0.5 --epochs 40
//        [--base 4 --levels 3 --train 10 --val 6 --losses focal,ce,dice --seed 1]
const path = require('node:path');
const dist = (p) => path.join(__dirname, '..', 'packages', 'experiments', 'dist', p);
const { parseArgs } = require(dist('cli/parse-args'));
const { initBackend } = require('@afl/backend');
const { createModel } = require('@afl/models');
const datasets = require('@afl/datasets');
const { toSplitDataset } = require(dist('grid/cell-data'));
const { modelOptionsFor } = require(dist('grid/model-options'));
const { cellLoss } = require(dist('grid/cell-loss'));
const { trainModel } = require(dist('train/train-model'));
const { seedModelWeights, setOutputPrior } = require(dist('train/model-weights'));

async function main() {
  const { flags } = parseArgs(process.argv.slice(2));
  const brats = flags.dataset === 'brats';
  const shape = String(flags.shape ?? '8,32,32').split(',').map(Number);
  const losses = String(flags.losses ?? 'focal,ce,dice').split(',');
  const model = String(flags.model ?? 'unet');
  const seed = Number(flags.seed ?? 1);
  const cases = { train: Number(flags.train ?? 10), val: Number(flags.val ?? 6) };
  const size = { baseChannels: Number(flags.base ?? 4), levels: Number(flags.levels ?? 3) };
  const info = await initBackend({ quiet: true });
  const ds = flags['picai-labels'] ? datasets.createPicaiMasksDataset({
    root: flags['picai-labels'],
    shape,
    seed: 2022,
    margin: Number(flags.margin ?? 30),
    cases: datasets.createPicaiMasksDataset({ root: flags['picai-labels'] }).caseIds.slice(0, cases.train + cases.val),
    split: { val: cases.val, test: 0 },
    cacheSize: cases.train + cases.val,
  }) : datasets.createPhantomDataset({
    kind: brats ? 'brain' : 'prostate',
    cases: cases.train + cases.val,
    shape,
    seed: brats ? 2018 : 2022,
    split: { val: cases.val, test: 0 },
    cacheSize: cases.train + cases.val,
    ...(flags.contrast ? { lesionContrast: String(flags.contrast).split(',').map(Number) } : {}),
    ...(flags['tumour-radius'] ? { brain: { tumourRadiusMm: String(flags['tumour-radius']).split(',').map(Number) } } : {}),
    ...(flags.fov ? { fovMm: String(flags.fov).split(',').map(Number) } : {}),
    ...(flags['median-volume'] ? { lesionRanges: { medianVolumeMm3: Number(flags['median-volume']) } } : {}),
  });
  for (const loss of losses) {
    const cell = {
      model,
      loss,
      spatialDims: 3,
      training: { inputShape: shape, outChannels: 1 },
    };
    const net = createModel(model, modelOptionsFor(cell, ds.channels.length, size));
    seedModelWeights(net, seed);
    if (flags.prior) setOutputPrior(net, Number(flags.prior));
    const t0 = Date.now();
    const r = await trainModel({
      model: net,
      dataset: toSplitDataset(ds, 3),
      loss: cellLoss(cell),
      epochs: Number(flags.epochs ?? 40),
      seed,
      augment: flags.augment === 'true',
      optimizer: { learningRate: Number(flags.lr ?? 0.5), momentum: 0.9, nesterov: false, weightDecay: 1e-4 },
    });
    net.dispose();
    const s = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`${info.backend} ${brats ? 'brats' : 'picai'} ${model} ${loss} lr ${flags.lr ?? 0.5} ${shape.join('x')} ${s}s ${r.meanStepMs.toFixed(0)}ms/step best ${r.bestValDice.toFixed(3)}@${r.bestEpoch}`);
    console.log(`  dice ${r.curve.map((c) => c.valDice.toFixed(2)).join(' ')}`);
    console.log(`  loss ${r.curve.map((c) => c.trainLoss.toPrecision(2)).join(' ')}`);
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
