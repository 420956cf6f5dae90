import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { generateProstatePhantom } from './prostate-phantom';
import { maskShapeStats } from './mask-shape-stats';
import { paperCropMask } from './paper-crop-mask';
import { readVolumeSync } from '../io/read-volume';
import { sharedForTest } from '@afl/core/testing';
import shared from './picai-lesion-stats.json';

function quantile(values: number[], p: number): number {
  const b = values.slice().sort((x, y) => x - y);
  const i = (b.length - 1) * p;
  const lo = Math.floor(i);
  return b[lo] + (b[Math.min(lo + 1, b.length - 1)] - b[lo]) * (i - lo);
}

// Compared on the paper's crop: shared lesion masks -> paperCropMask (3.0 x 0.5 x 0.5 mm, 30 x 256 x 256, gland box
// + 30 voxels, 24 x 160 x 128, nearest); phantom lesions generated directly at 24 x 160 x 128.
test('phantom lesions: 5th-95th percentiles of gammaVa and gammaMSa span the shared PI-CAI quartiles', () => {
  const real = shared.cases;
  assert.equal(real.length, 62);
  const phantom = Array.from({ length: 40 }, (_, s) => {
    const c = generateProstatePhantom({ seed: 1000 + s, noise: 0, bias: 0 });
    return maskShapeStats(c.mask, c.shape);
  });
  for (const k of ['gammaVa', 'gammaMSa'] as const) {
    const r = real.map((x) => x[k]);
    const p = phantom.map((x) => x[k]);
    const [p5, p95] = [quantile(p, 0.05), quantile(p, 0.95)];
    const [q1, q3] = [quantile(r, 0.25), quantile(r, 0.75)];
    assert.ok(p5 <= q1 && p95 >= q3, `${k}: phantom p5..p95 ${p5.toExponential(2)}..${p95.toExponential(2)} must span shared Q1..Q3 ${q1.toExponential(2)}..${q3.toExponential(2)}`);
    // and the medians agree within a factor 1.5
    const ratio = quantile(p, 0.5) / quantile(r, 0.5);
    assert.ok(ratio > 1 / 1.5 && ratio < 1.5, `${k}: median ratio ${ratio.toFixed(2)}`);
  }
});

test('picai-lesion-stats.json matches paperCropMask on shared masks (3 small cases)', (t) => {
  const dir = sharedForTest('data').path;
  if (!dir) return t.skip('shared data not found');
  for (const id of ['10019_1000019', '10257_1000261', '11373_1001396']) {
    const f = `${id}.nii.gz`;
    const lesion = readVolumeSync(path.join(dir, 'picai-labels/lesion_human_expert_resampled', f));
    const gland = readVolumeSync(path.join(dir, 'picai-labels/whole_gland_AI_Bosma22b', f));
    const s = maskShapeStats(paperCropMask(lesion, gland), [24, 160, 128]);
    const want = shared.cases.find((c) => c.case === id)!;
    assert.equal(s.foreground, want.foreground, id);
    assert.ok(Math.abs(s.gammaMSa - want.gammaMSa) < 1e-12, id);
  }
  assert.ok(fs.existsSync(dir));
});
