import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { CellResult } from '../results/result-schema';
import { buildReport } from './build-report';
import { notebookGallery, notebookView } from './notebook-view';
import { renderOverlay } from './render-overlay';
import { syntheticResults, writeSyntheticResults } from './synthetic-results';
import { overlayFile, tableGallery } from './table-gallery';
import { writeReport } from './write-report';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'afl-gallery-'));
const shape = [2, 4, 6];
const picture = (seed: number) => renderOverlay({ data: Float32Array.from({ length: 48 }, (_, i) => (i * seed) % 7), shape }, { scale: 1, slices: 1 });

/** Writes an overlay picture for every val case of the given cells. */
function writePictures(dir: string, cells: readonly CellResult[]): void {
  for (const r of cells) {
    for (const k of r.cases) {
      if (k.split !== 'val') continue;
      const file = overlayFile(dir, r.cellId, k.caseId);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, picture(k.caseId.length + r.cellId.length));
    }
  }
}

const fullAfl = (r: CellResult, ds: string, model = 'resnet50-unet') => r.config.dataset === ds && r.config.model === model && r.config.loss === 'afl' && !r.config.ablation;
const fl = (r: CellResult, ds: string, model = 'resnet50-unet') => r.config.dataset === ds && r.config.model === model && r.config.loss === 'focal';

describe('tableGallery', () => {
  const results = syntheticResults({ seeds: [1, 0], cases: 6 });

  it("picks the best, median and worst val case by A-FL's Dice (lowest seed, NaN left out), with FL on the same cases", () => {
    const dir = tmp();
    writePictures(dir, results);
    const g = tableGallery(1, results, { dir });
    assert.equal(g.pairs.length, 1);
    const p = g.pairs[0];
    const afl = results.find((r) => fullAfl(r, 'phantom-picai') && r.config.seed === 0) as CellResult;
    const flCell = results.find((r) => fl(r, 'phantom-picai') && r.config.seed === 0) as CellResult;
    assert.equal(p.aflCellId, afl.cellId);
    assert.equal(p.flCellId, flCell.cellId);
    const ranked = afl.cases.filter((k) => k.split === 'val' && Number.isFinite(k.dice)).sort((a, b) => b.dice - a.dice);
    assert.equal(ranked.length, 5, 'the empty case (Dice NaN) is left out');
    assert.equal(p.commonCases, 5);
    assert.deepEqual(p.cases.map((c) => [c.rank, c.caseId]), [['best', ranked[0].caseId], ['median', ranked[2].caseId], ['worst', ranked[4].caseId]]);
    for (const c of p.cases) {
      assert.equal(c.flDice, flCell.cases.find((k) => k.caseId === c.caseId)?.dice);
      assert.equal(c.aflPicture, overlayFile(dir, afl.cellId, c.caseId));
      assert.equal(c.flPicture, overlayFile(dir, flCell.cellId, c.caseId));
    }
    assert.deepEqual(g.notes, []);
    assert.equal(tableGallery(4, results, { dir }).pairs.length, 5, 'Table 4: one pair per model');
    assert.deepEqual(tableGallery(5, results, { dir }).pairs.map((x) => x.dataset), ['phantom-picai', 'phantom-brats'], 'Table 5: both datasets');
    assert.deepEqual(tableGallery('figure3', results, { dir }).pairs.map((x) => x.aflCellId), [afl.cellId]);
  });

  it('says which pictures are missing instead of failing', () => {
    const dir = tmp();
    const g = tableGallery(2, results, { dir });
    assert.equal(g.pairs[0].cases.every((c) => c.aflPicture === null && c.flPicture === null), true);
    assert.match(g.notes[0], /BraTS, ResNet50 U-Net: 6 of 6 picture\(s\) missing/);
    assert.match(g.toMarkdown(), /no picture/);
    assert.match(tableGallery(2, results).notes[0], /no results folder given/);
    assert.match(tableGallery(2, results.filter((r) => r.config.loss !== 'focal')).notes[0], /no A-FL and FL result/);
    assert.throws(() => tableGallery(6 as never, results), /^Error: Error in tableGallery: view must be 1–5 or 'figure3', got 6\.$/);
  });

  it("goes into report.md as image links relative to the report, and into notebookView as side-by-side PNGs", () => {
    const dir = tmp();
    writeSyntheticResults(dir, results);
    writePictures(dir, results.filter((r) => !r.config.dataset.endsWith('brats')));
    const out = writeReport({ dir, paper: null, resamples: 50 });
    const links = [...out.markdown.matchAll(/!\[[^\]]*\]\((\.\.\/overlays\/[^)]+\.png)\)/g)].map((m) => m[1]);
    // Tables 1, 3, Figure 3: 1 pair; Table 4: 5; Table 5: PI-CAI only (BraTS pictures absent); 3 cases × 2 pictures each.
    assert.equal(links.length, (1 + 1 + 1 + 5 + 1) * 6);
    for (const l of links) assert.equal(fs.existsSync(path.resolve(path.dirname(out.files.report), decodeURI(l))), true, l);
    assert.match(out.markdown, /## Gallery: A-FL vs FL on the same cases/);
    assert.match(out.markdown, /BraTS, ResNet50 U-Net: 6 of 6 picture\(s\) missing/);

    const view = notebookView(1, buildReport(results, null, { resultsDir: dir, resamples: 50 }));
    assert.equal(view.gallery.pictures.length, 3);
    assert.match(view.gallery.pictures[0].caption, /^\*\*best\*\* by A-FL's Dice/);
    const c = view.gallery.data.pairs[0].cases[0];
    const [a, f] = [c.aflPicture, c.flPicture].map((file) => PNG.sync.read(fs.readFileSync(file as string)));
    const both = PNG.sync.read(Buffer.from(view.gallery.pictures[0].png));
    assert.equal(both.width, a.width + 12 + f.width);
    const report = buildReport(results, null, { resultsDir: dir, resamples: 50 });
    const budget = view.gallery.pictures[0].png.length + view.gallery.pictures[1].png.length;
    const small = notebookGallery(report.galleries.table1, { maxBytes: budget });
    assert.equal(small.pictures.length, 2);
    assert.match(small.markdown, /1 picture\(s\) left out to keep the notebook small/);
    const noPictures = notebookView(2, report);
    assert.equal(noPictures.gallery.pictures.length, 0);
    assert.match(noPictures.gallery.markdown, /No picture to show/);
  });
});
