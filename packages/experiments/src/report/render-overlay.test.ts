import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { OVERLAY_COLORS, overlayLayout, overlaySlices, renderOverlay, sideBySidePng, writeOverlay, type OverlayVolume } from './render-overlay';

const [D, H, W] = [5, 10, 12];
const shape = [D, H, W];
/** Image values in [0, 1): a distinct grey per voxel of a slice. */
const image: OverlayVolume = { data: Float32Array.from({ length: D * H * W }, (_, i) => (i % (H * W)) / (H * W)), shape };

/** A mask with the box rows r0..r1, columns c0..c1 (inclusive) set on slice z. */
function box(z: number, r0: number, r1: number, c0: number, c1: number, into = new Float32Array(D * H * W)): OverlayVolume {
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) into[(z * H + r) * W + c] = 1;
  return { data: into, shape };
}

function pixel(png: PNG, x: number, y: number): number[] {
  const i = 4 * (y * png.width + x);
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

/** Whether panel pixel (x, y) lies on the outline of the box's upscaled blocks. */
const onOutline = (x: number, y: number, s: number, r0: number, r1: number, c0: number, c1: number) => {
  const inside = y >= r0 * s && y <= (r1 + 1) * s - 1 && x >= c0 * s && x <= (c1 + 1) * s - 1;
  return inside && (y === r0 * s || y === (r1 + 1) * s - 1 || x === c0 * s || x === (c1 + 1) * s - 1);
};

describe('renderOverlay', () => {
  it('draws the truth contour exactly on the square\'s outline, grey image pixels elsewhere, the prediction in its colour', () => {
    const s = 2;
    const truth = box(3, 3, 6, 4, 8);
    const prediction = box(3, 0, 1, 0, 1); // touches the slice's border: its outline closes along the border
    const png = PNG.sync.read(renderOverlay(image, { truth, prediction, slices: [3], scale: s, window: [0, 1], title: 'case 7' }));
    const layout = overlayLayout(shape, [3], { scale: s, title: 'case 7' });
    assert.equal(png.width, layout.width);
    assert.equal(png.height, layout.height);
    const p = layout.panels[0];
    assert.deepEqual([p.width, p.height], [W * s, H * s]);
    let truthPixels = 0;
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < p.width; x++) {
        const got = pixel(png, p.x + x, p.y + y);
        const r = Math.floor(y / s);
        const c = Math.floor(x / s);
        if (onOutline(x, y, s, 3, 6, 4, 8)) {
          assert.deepEqual(got, [...OVERLAY_COLORS.truth], `truth contour at (${x}, ${y})`);
          truthPixels++;
        } else if (onOutline(x, y, s, 0, 1, 0, 1)) {
          assert.deepEqual(got, [...OVERLAY_COLORS.prediction], `prediction contour at (${x}, ${y})`);
        } else {
          const g = Math.round(255 * image.data[(3 * H + r) * W + c]);
          assert.deepEqual(got, [g, g, g], `image pixel at (${x}, ${y})`);
        }
      }
    }
    // 5 × 4 voxels at scale 2: a 10 × 8 pixel rectangle outline.
    assert.equal(truthPixels, 2 * 10 + 2 * 8 - 4);
  });

  it('draws a coinciding truth and prediction contour in the "both" colour, and at scale 1 the contour voxels themselves', () => {
    const m = box(2, 2, 4, 2, 4);
    const png = PNG.sync.read(renderOverlay(image, { truth: m, prediction: m, slices: [2], scale: 1, window: [0, 1] }));
    const p = overlayLayout(shape, [2], { scale: 1 }).panels[0];
    assert.deepEqual(pixel(png, p.x + 2, p.y + 2), [...OVERLAY_COLORS.both]);
    assert.deepEqual(pixel(png, p.x + 4, p.y + 3), [...OVERLAY_COLORS.both]);
    const g = Math.round(255 * image.data[(2 * H + 3) * W + 3]);
    assert.deepEqual(pixel(png, p.x + 3, p.y + 3), [g, g, g], 'the interior voxel has all four neighbours inside');
  });

  it('chooses by default the slices with the most lesion (truth ∪ prediction)', () => {
    const truth = box(3, 3, 6, 4, 8); // 20 voxels on slice 3
    const prediction = box(1, 0, 1, 0, 1); // 4 voxels on slice 1
    box(3, 0, 0, 0, 0, prediction.data as Float32Array); // and one on slice 3
    assert.deepEqual(overlaySlices(shape, 1, [truth.data, prediction.data]), [3]);
    assert.deepEqual(overlaySlices(shape, 2, [truth.data, prediction.data]), [1, 3]);
    const none = new Float32Array(D * H * W);
    assert.deepEqual(overlaySlices(shape, 3, [none]), [1, 2, 3], 'no lesion: the central slices');
    assert.deepEqual(overlaySlices(shape, 1, [none]), [2]);
    assert.deepEqual(overlaySlices(shape, 9, [none]), [0, 1, 2, 3, 4], 'at most D slices');

    const png = PNG.sync.read(renderOverlay(image, { truth, prediction, slices: 1, scale: 2, window: [0, 1] }));
    const p = overlayLayout(shape, [3], { scale: 2 }).panels[0];
    assert.equal(png.width, overlayLayout(shape, [3], { scale: 2 }).width);
    assert.deepEqual(pixel(png, p.x + 8, p.y + 6), [...OVERLAY_COLORS.truth], "slice 3's truth corner");
    assert.deepEqual(pixel(png, p.x, p.y), [...OVERLAY_COLORS.prediction], "slice 3's single prediction voxel");
  });

  it('maps the 1st–99th percentile to black–white by default, and upscales to at least 256 px', () => {
    const ramp: OverlayVolume = { data: Float32Array.from({ length: 100 }, (_, i) => i), shape: [1, 10, 10] };
    const png = PNG.sync.read(renderOverlay(ramp));
    const layout = overlayLayout(ramp.shape, [0]);
    assert.equal(layout.scale, 26);
    const p = layout.panels[0];
    const [lo, hi] = [0.99, 98.01];
    const grey = (v: number) => Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
    assert.deepEqual(pixel(png, p.x, p.y), [0, 0, 0]);
    assert.deepEqual(pixel(png, p.x + 9 * 26 + 5, p.y + 9 * 26 + 5), [255, 255, 255]);
    assert.deepEqual(pixel(png, p.x + 5 * 26, p.y + 4 * 26), [grey(45), grey(45), grey(45)]);
  });

  it('writes the PNG to a file, creating its folder', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'afl-overlay-')), 'a', 'b.png');
    const bytes = writeOverlay(file, image, { truth: box(2, 1, 2, 1, 2) });
    assert.equal(fs.statSync(file).size, bytes);
    assert.equal(PNG.sync.read(fs.readFileSync(file)).width > 0, true);
  });

  it('rejects bad input with a clear error', () => {
    const e = (f: () => unknown, re: RegExp) => assert.throws(f, (err: Error) => /^Error in renderOverlay: /.test(err.message) && re.test(err.message));
    e(() => renderOverlay({ data: new Float32Array(4), shape: [2, 2] }), /image must be 3-D \[D, H, W\], got shape \[2, 2\]/);
    e(() => renderOverlay({ data: new Float32Array(0), shape: [0, 4, 4] }), /image is empty/);
    e(() => renderOverlay({ data: new Float32Array(5), shape: [1, 2, 2] }), /image has 5 values but shape \[1, 2, 2\] needs 4/);
    e(() => renderOverlay(image, { truth: { data: new Float32Array(D * H * W), shape: [D, W, H] } }), /truth has shape \[5, 12, 10\] but the image has shape \[5, 10, 12\]/);
    e(() => renderOverlay(image, { prediction: { data: new Float32Array(8), shape: [2, 2, 2] } }), /prediction has shape \[2, 2, 2\]/);
    e(() => renderOverlay(image, { slices: [7] }), /slice index 7 is outside \[0, 4\]/);
    e(() => renderOverlay(image, { slices: 0 }), /slices must be a positive integer/);
    e(() => renderOverlay(image, { scale: 1.5 }), /scale must be a positive integer, got 1.5/);
  });
});

describe('sideBySidePng', () => {
  it('puts pictures next to each other, a placeholder for a missing one', () => {
    const a = renderOverlay(image, { slices: [0], scale: 1 });
    const pa = PNG.sync.read(a);
    const both = PNG.sync.read(sideBySidePng([a, a], { gap: 5 }));
    assert.equal(both.width, 2 * pa.width + 5);
    assert.equal(both.height, pa.height);
    assert.deepEqual(pixel(both, pa.width + 5 + 3, 3), pixel(pa, 3, 3));
    const withGap = PNG.sync.read(sideBySidePng([a, null], { gap: 5, placeholder: { width: 50, height: 20 } }));
    assert.equal(withGap.width, pa.width + 5 + 50);
  });
});
