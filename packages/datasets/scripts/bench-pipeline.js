#!/usr/bin/env node
// Times the data pipeline: phantom generation, augmentation, batch building, and the preprocessing steps on the
// shared PI-CAI study (when the shared folder is present). Usage, after `npx tsc -p packages/datasets`:
//   node packages/datasets/scripts/bench-pipeline.js [--n4]
require('@tensorflow/tfjs-backend-cpu');
const tf = require('@tensorflow/tfjs-core');
const fs = require('fs');
const path = require('path');
const os = require('os');
const ds = require('../dist');

const time = (label, reps, f) => {
  f(1000); // warm-up
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f(i);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} median ${t[Math.floor(t.length / 2)].toFixed(0).padStart(6)} ms  (min ${t[0].toFixed(0)}, n ${reps})`);
};

async function main() {
  console.log(`node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  time('generateProstatePhantom 24x160x128x3', 10, (i) => ds.generateProstatePhantom({ seed: i }));
  time('generateBrainPhantom 64x96x96x4', 5, (i) => ds.generateBrainPhantom({ seed: i }));
  const c = ds.generateProstatePhantom({ seed: 1 });
  time('augmentCase (paper probabilities)', 10, (i) => ds.augmentCase(c, i));
  time('augmentCase (every step forced)', 10, (i) => ds.augmentCase(c, i, { affine: { prob: 1 }, noise: { prob: 1 }, scaleShift: { scaleProb: 1, shiftProb: 1 } }));
  time('casesToTensors B=2 + dispose', 10, () => {
    const t = ds.casesToTensors([c, c]);
    tf.dispose([t.image, t.mask]);
  });
  const phantom = ds.createPhantomDataset({ cases: 8, seed: 0, split: { val: 0 } });
  const t0 = performance.now();
  let n = 0;
  for await (const b of phantom.batches({ batchSize: 2, shuffle: true, seed: 1, augment: true })) {
    n += b.caseIds.length;
    tf.dispose([b.image, b.mask]);
  }
  console.log(`${'phantom epoch, 8 cases, generate + augment + tensors'.padEnd(58)} ${((performance.now() - t0) / n).toFixed(0).padStart(6)} ms per case`);
  const shared = require('@afl/core/testing').sharedPath('data');
  if (!fs.existsSync(shared)) return;
  const img = (s) => ds.readVolumeSync(path.join(shared, `picai-images/ProstateX-0000_07-07-2011_${s}.mha`));
  const t2 = img('t2w');
  const adc = img('adc');
  time('resampleToGrid ADC -> T2W 384x384x19', 3, () => ds.resampleToGrid(adc, t2));
  time('resampleToSpacing T2W -> 0.5 x 0.5 x 3.0', 3, () => ds.resampleToSpacing(t2, [0.5, 0.5, 3.0]));
  time('resizeVolume 19x384x384 -> 24x160x128 linear', 3, () => ds.resizeVolume(t2, [24, 160, 128], 'linear'));
  time('resizeVolume 19x384x384 -> 24x160x128 area', 3, () => ds.resizeVolume(t2, [24, 160, 128], 'area'));
  const raw = {
    id: '11373_1001396',
    channels: { t2w: t2, adc, hbv: img('hbv') },
    label: ds.readVolumeSync(path.join(shared, 'picai-labels/lesion_human_expert_resampled/11373_1001396.nii.gz')),
    organ: ds.readVolumeSync(path.join(shared, 'picai-labels/whole_gland_AI_Bosma22b/11373_1001396.nii.gz')),
  };
  time("preprocessPicaiCase 'paper' without N4", 3, () => ds.preprocessPicaiCase(raw, { n4Channels: [] }));
  time("preprocessPicaiCase 'authors-code'", 3, () => ds.preprocessPicaiCase(raw, { pipeline: 'authors-code' }));
  if (process.argv.includes('--n4')) time('n4BiasFieldCorrection T2W (defaults)', 1, () => ds.n4BiasFieldCorrection(t2));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
