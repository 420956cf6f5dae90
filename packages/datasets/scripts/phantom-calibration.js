#!/usr/bin/env node
// Prints the distribution of the A-FL mask parameters (gammaVa, gammaMSa) over
//   (a) the shared PI-CAI human-expert lesion masks, taken through the paper's PI-CAI pipeline for masks
//       (resample 3.0 x 0.5 x 0.5 mm, resize 30 x 256 x 256, crop to the whole-gland box + 30 voxels, resize
//       24 x 160 x 128, nearest throughout; see paperCropMask), and
//   (b) phantom prostate lesion masks at 24 x 160 x 128 with the default lesion ranges.
// Usage (after `npx tsc -p packages/datasets`):
//   node packages/datasets/scripts/phantom-calibration.js [--cases 200] [--write]
// --write stores (a) in src/phantom/picai-lesion-stats.json (used by phantom-calibration.test.ts).
const fs = require('fs');
const path = require('path');
const ds = require('../dist');

const args = process.argv.slice(2);
const cases = Number(args[args.indexOf('--cases') + 1] || 200) || 200;
const shared = require('@afl/core/testing').sharedPath('data');
const dir = path.join(shared, 'picai-labels');
const q = (a, p) => {
  const b = a.slice().sort((x, y) => x - y);
  const i = (b.length - 1) * p;
  const lo = Math.floor(i);
  return b[lo] + (b[Math.min(lo + 1, b.length - 1)] - b[lo]) * (i - lo);
};
const ps = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];
const show = (name, rows) => {
  console.log(`${name} (n = ${rows.length})   p0 p5 p25 p50 p75 p95 p100`);
  for (const k of ['gammaVa', 'gammaMSa']) console.log(`  ${k.padEnd(9)} ${ps.map((p) => q(rows.map((r) => r[k]), p).toExponential(2)).join(' ')}`);
  console.log(`  ratio MSa/Va ${ps.map((p) => q(rows.map((r) => r.gammaMSa / r.gammaVa), p).toFixed(2)).join(' ')}`);
};

async function main() {
  let real;
  const statsFile = path.join(__dirname, '../src/phantom/picai-lesion-stats.json');
  if (fs.existsSync(dir)) {
    const t0 = Date.now();
    real = [];
    for (const f of fs.readdirSync(path.join(dir, 'lesion_human_expert_resampled')).sort()) {
      const lesion = await ds.readVolume(path.join(dir, 'lesion_human_expert_resampled', f));
      const gland = await ds.readVolume(path.join(dir, 'whole_gland_AI_Bosma22b', f));
      const m = ds.paperCropMask(lesion, gland);
      const s = ds.maskShapeStats(m, [24, 160, 128]);
      if (s.foreground === 0) continue; // the two negative cases
      real.push({ case: f.replace(/\.nii\.gz$/, ''), foreground: s.foreground, gammaVa: s.gammaVa, gammaMSa: s.gammaMSa });
    }
    console.log(`read and cropped ${real.length} shared lesion masks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (args.includes('--write')) {
      fs.writeFileSync(
        statsFile,
        JSON.stringify({ description: 'A-FL mask parameters of the shared PI-CAI human-expert lesions (picai_labels, CC BY-NC 4.0) on the paper crop 24x160x128 (paperCropMask)', cases: real }, null, 1) + '\n',
      );
      console.log(`wrote ${statsFile}`);
    }
  } else {
    real = JSON.parse(fs.readFileSync(statsFile, 'utf8')).cases;
    console.log(`shared data not found at ${dir}; using ${statsFile}`);
  }
  const t1 = Date.now();
  const phantom = [];
  for (let s = 0; s < cases; s++) {
    const c = ds.generateProstatePhantom({ seed: s });
    phantom.push(ds.maskShapeStats(c.mask, c.shape));
  }
  console.log(`generated ${cases} phantom cases (24x160x128x3) in ${((Date.now() - t1) / cases).toFixed(0)} ms each`);
  show('PI-CAI shared lesions, paper crop', real);
  show('phantom lesions, defaults', phantom);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
