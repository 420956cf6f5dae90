import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';

/** A one-channel 3-D volume, C-order with the first axis slowest: `shape` is `[D, H, W]` (the repo's tensor axis order). */
export interface OverlayVolume {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** Contour colours (RGB): ground truth, prediction, and pixels where both contours coincide. */
export const OVERLAY_COLORS = {
  truth: [0, 230, 0],
  prediction: [255, 0, 255],
  both: [255, 230, 0],
} as const satisfies Record<string, readonly [number, number, number]>;

export interface RenderOverlayOptions {
  /** Ground-truth mask, same shape as the image (voxels > 0.5 are lesion); its contour is drawn green. */
  truth?: OverlayVolume;
  /** Predicted mask, same shape (voxels > 0.5); its contour is drawn magenta (yellow where it meets the truth's). */
  prediction?: OverlayVolume;
  /**
   * How many axial slices (along D) to draw, default 3, or their 0-based indices. By number: the slices with the most
   * lesion voxels (truth ∪ prediction), ties and lesion-free slices by distance to the lesion's centre (to the
   * volume's centre when there is no lesion); drawn in increasing order.
   */
  slices?: number | readonly number[];
  /** Integer upscale factor (nearest neighbour); default the smallest that makes a slice at least 256 px tall. */
  scale?: number;
  /** Grey window `[low, high]`; default the 1st and 99th percentiles of the image's finite voxels. */
  window?: readonly [number, number];
  /** A line of text above the legend (the font has upper-case letters, digits and `-.:,()/=+%_'?#<>[]*|`). */
  title?: string;
}

/** Where things are in a rendered overlay (pixel coordinates, origin top left). */
export interface OverlayLayout {
  width: number;
  height: number;
  scale: number;
  /** Pixel size of one text pixel (1 for small pictures, 2 when a slice is at least 200 px tall). */
  textScale: number;
  /** One per drawn slice, left to right: the slice index and the panel's top-left corner; each panel is W·scale × H·scale. */
  panels: Array<{ slice: number; x: number; y: number; width: number; height: number }>;
}

const FN = 'renderOverlay';
const fail = (msg: string): never => {
  throw new Error(`Error in ${FN}: ${msg}`);
};

// A 5×7 bitmap font: per glyph, 7 rows of 5 bits (most significant = leftmost pixel), each row one base-32 digit.
const GLYPHS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.:,()/=+%_'?#<>[]*|";
const GLYPH_ROWS =
  'ehjlphe 4c4444e eh1248v u11e11u 26aiv22 vgu11he 68guhhe v124888 ehhehhe ehhf12c ehhvhhh uhhuhhu ehggghe sihhhis vgguggv ' +
  'vgguggg ehgnhhf hhhvhhh e44444e 72222ic hikokih ggggggv hrllhhh hhpljhh ehhhhhe uhhuggg ehhhlid uhhukih fgge11u v444444 ' +
  'hhhhhhe hhhhha4 hhhllla hha4ahh hha4444 v1248gv 000e000 00000cc 0cc0cc0 0000c48 2488842 8422248 01248g0 00v0v00 044v440 ' +
  'op248j3 000000v 4480000 eh12404 aavavaa 248g842 8421248 e88888e e22222e 04lel40 4444444';
const FONT = new Map<string, number[]>(GLYPH_ROWS.split(' ').map((code, i) => [GLYPHS[i], [...code].map((c) => parseInt(c, 32))]));
const GLYPH_W = 5;
const GLYPH_H = 7;
const ADVANCE = GLYPH_W + 1;

const BACKGROUND = [20, 20, 20] as const;
const TEXT = [235, 235, 235] as const;

/** Width in pixels of a text line at text scale `t`. */
function textWidth(text: string, t: number): number {
  return text.length === 0 ? 0 : (text.length * ADVANCE - 1) * t;
}

function checkVolume(v: OverlayVolume | undefined, name: string): void {
  if (v === undefined) return;
  if (!v || typeof v !== 'object' || !v.shape || !v.data) fail(`${name} must be { data, shape }, got ${typeof v}.`);
  if (v.shape.length !== 3) fail(`${name} must be 3-D [D, H, W], got shape [${[...v.shape].join(', ')}].`);
  if (!v.shape.every((s) => Number.isInteger(s) && s >= 0)) fail(`${name}'s shape must be non-negative integers, got [${[...v.shape].join(', ')}].`);
  const n = v.shape[0] * v.shape[1] * v.shape[2];
  if (n === 0) fail(`${name} is empty (shape [${[...v.shape].join(', ')}]).`);
  if (v.data.length !== n) fail(`${name} has ${v.data.length} values but shape [${[...v.shape].join(', ')}] needs ${n}.`);
}

/** The q-quantile (0–1, linear interpolation) of the finite values. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The slices {@link renderOverlay} draws by default: the `count` slices with the most lesion voxels (truth ∪
 * prediction), ties broken by distance to the lesion's (voxel-weighted) centre slice, or to the volume's centre
 * when no slice has lesion; returned in increasing order.
 */
export function overlaySlices(shape: readonly number[], count: number, masks: ReadonlyArray<ArrayLike<number> | undefined>): number[] {
  const [d, h, w] = shape;
  const per = d > 0 ? h * w : 0;
  const counts = new Array<number>(d).fill(0);
  for (let z = 0; z < d; z++) {
    for (let i = z * per; i < (z + 1) * per; i++) if (masks.some((m) => m !== undefined && m[i] > 0.5)) counts[z]++;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const centre = total > 0 ? counts.reduce((a, c, z) => a + c * z, 0) / total : (d - 1) / 2;
  const order = counts.map((c, z) => ({ c, z })).sort((a, b) => b.c - a.c || Math.abs(a.z - centre) - Math.abs(b.z - centre) || a.z - b.z);
  return order.slice(0, Math.min(count, d)).map((o) => o.z).sort((a, b) => a - b);
}

function resolveSlices(image: OverlayVolume, options: RenderOverlayOptions): number[] {
  const d = image.shape[0];
  const s = options.slices ?? 3;
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 1) fail(`slices must be a positive integer or a list of slice indices, got ${s}.`);
    return overlaySlices(image.shape, s, [options.truth?.data, options.prediction?.data]);
  }
  if (!Array.isArray(s) || s.length === 0) fail(`slices must be a positive integer or a non-empty list of slice indices, got ${JSON.stringify(s)}.`);
  for (const z of s) if (!Number.isInteger(z) || z < 0 || z >= d) fail(`slice index ${z} is outside [0, ${d - 1}] (the image has ${d} slices).`);
  return [...s];
}

/**
 * Layout of an overlay picture (what {@link renderOverlay} draws where), from the image's shape and the options.
 * `slices` must be resolved indices here.
 */
export function overlayLayout(shape: readonly number[], slices: readonly number[], options: { scale?: number; title?: string } = {}): OverlayLayout {
  const [, h, w] = shape;
  const scale = options.scale ?? Math.max(1, Math.ceil(256 / h));
  if (!Number.isInteger(scale) || scale < 1) fail(`scale must be a positive integer, got ${scale}.`);
  const panelW = w * scale;
  const panelH = h * scale;
  const t = panelH >= 200 ? 2 : 1;
  const margin = 4 * t;
  const gap = 3 * t;
  const lineH = GLYPH_H * t;
  const panelGap = 4 * t;
  let y = margin;
  if (options.title) y += lineH + 2 * gap;
  y += lineH + 2 * gap; // legend
  y += lineH + gap; // slice labels
  const panels = slices.map((slice, i) => ({ slice, x: margin + i * (panelW + panelGap), y, width: panelW, height: panelH }));
  const rowW = slices.length * panelW + (slices.length - 1) * panelGap;
  const textW = Math.max(textWidth(options.title ?? '', t), legendWidth(t));
  return { width: 2 * margin + Math.max(rowW, textW), height: y + panelH + margin, scale, textScale: t, panels };
}

const LEGEND = [
  { color: OVERLAY_COLORS.truth, label: 'GROUND TRUTH' },
  { color: OVERLAY_COLORS.prediction, label: 'PREDICTION' },
  { color: OVERLAY_COLORS.both, label: 'BOTH' },
];

function legendWidth(t: number): number {
  // swatch (7t) + one advance + label, entries separated by 3 advances
  return LEGEND.reduce((a, e, i) => a + GLYPH_H * t + ADVANCE * t + textWidth(e.label, t) + (i > 0 ? 3 * ADVANCE * t : 0), 0);
}

class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height, colorType: 2 });
    const d = this.png.data;
    for (let i = 0; i < width * height; i++) {
      d[4 * i] = BACKGROUND[0];
      d[4 * i + 1] = BACKGROUND[1];
      d[4 * i + 2] = BACKGROUND[2];
      d[4 * i + 3] = 255;
    }
  }
  set(x: number, y: number, r: number, g: number, b: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = 4 * (y * this.width + x);
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
  }
  rect(x: number, y: number, w: number, h: number, c: readonly number[]): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, c[0], c[1], c[2]);
  }
  /** Draws upper-cased text with its top-left corner at (x, y); returns the x after the text. */
  text(x: number, y: number, text: string, t: number, c: readonly number[] = TEXT): number {
    let cx = x;
    for (const ch of text.toUpperCase()) {
      const rows = FONT.get(ch) ?? (ch === ' ' ? undefined : FONT.get('?'));
      if (rows) {
        rows.forEach((bits, ry) => {
          for (let rx = 0; rx < GLYPH_W; rx++) if (bits & (1 << (GLYPH_W - 1 - rx))) this.rect(cx + rx * t, y + ry * t, t, t, c);
        });
      }
      cx += ADVANCE * t;
    }
    return cx;
  }
}

/**
 * Renders axial slices of a volume in grey with the contours of a ground-truth mask (green) and a predicted mask
 * (magenta; yellow where both contours coincide), and returns a PNG (RGB, 8-bit).
 *
 * Above the slices: the title (when given), a legend (colour swatches + "ground truth", "prediction", "both") and
 * each slice's 0-based index along D. Each voxel is drawn as a `scale` × `scale` block (nearest neighbour). The grey
 * window maps the image's 1st–99th percentile to black–white. A contour voxel is a mask voxel with one of its four
 * in-plane neighbours outside the mask (or outside the slice); its 1-px contour line is drawn on the sides of its
 * block that face those neighbours, so the image inside the lesion stays visible.
 *
 * @example
 * const png = renderOverlay({ data: t2w, shape: [8, 32, 32] }, { truth: { data: mask, shape: [8, 32, 32] }, prediction, slices: 3 });
 * fs.writeFileSync('case.png', png);
 */
export function renderOverlay(image: OverlayVolume, options: RenderOverlayOptions = {}): Buffer {
  if (!image || typeof image !== 'object') fail(`image must be { data, shape }, got ${image === null ? 'null' : typeof image}.`);
  checkVolume(image, 'image');
  for (const [name, m] of [['truth', options.truth], ['prediction', options.prediction]] as const) {
    checkVolume(m, name);
    if (m && m.shape.some((s, i) => s !== image.shape[i])) fail(`${name} has shape [${m.shape.join(', ')}] but the image has shape [${image.shape.join(', ')}].`);
  }
  const slices = resolveSlices(image, options);
  const layout = overlayLayout(image.shape, slices, { scale: options.scale, title: options.title });
  const [, h, w] = image.shape;
  const { scale: s, textScale: t } = layout;

  let [lo, hi] = options.window ?? [NaN, NaN];
  if (options.window === undefined) {
    const finite = Float64Array.from(Array.prototype.filter.call(image.data, Number.isFinite) as number[]).sort();
    lo = percentile(finite, 0.01);
    hi = percentile(finite, 0.99);
  } else if (!(Number.isFinite(lo) && Number.isFinite(hi))) fail(`window must be two finite numbers, got [${lo}, ${hi}].`);
  const range = hi > lo ? hi - lo : 1;

  const canvas = new Canvas(layout.width, layout.height);
  const margin = layout.panels[0].x;
  let y = margin;
  const gap = 3 * t;
  if (options.title) {
    canvas.text(margin, y, options.title, t);
    y += GLYPH_H * t + 2 * gap;
  }
  let x = margin;
  LEGEND.forEach((e, i) => {
    if (i > 0) x += 3 * ADVANCE * t;
    canvas.rect(x, y, GLYPH_H * t, GLYPH_H * t, e.color);
    x += GLYPH_H * t + ADVANCE * t;
    canvas.text(x, y, e.label, t);
    x += textWidth(e.label, t);
  });

  const plane = h * w;
  const truth = options.truth?.data;
  const pred = options.prediction?.data;
  // Which side of a voxel's block faces a neighbour outside the mask: bit 1 up, 2 down, 4 left, 8 right.
  const edges = (m: ArrayLike<number> | undefined, base: number, r: number, c: number): number => {
    if (!m || !(m[base + r * w + c] > 0.5)) return 0;
    const out = (rr: number, cc: number) => rr < 0 || cc < 0 || rr >= h || cc >= w || !(m[base + rr * w + cc] > 0.5);
    return (out(r - 1, c) ? 1 : 0) | (out(r + 1, c) ? 2 : 0) | (out(r, c - 1) ? 4 : 0) | (out(r, c + 1) ? 8 : 0);
  };
  for (const p of layout.panels) {
    canvas.text(p.x, p.y - GLYPH_H * t - gap, `SLICE ${p.slice}`, t);
    const base = p.slice * plane;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = image.data[base + r * w + c];
        const g = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, (v - lo) / range))) : 0;
        const et = edges(truth, base, r, c);
        const ep = edges(pred, base, r, c);
        for (let dy = 0; dy < s; dy++) {
          for (let dx = 0; dx < s; dx++) {
            const side = (dy === 0 ? 1 : 0) | (dy === s - 1 ? 2 : 0) | (dx === 0 ? 4 : 0) | (dx === s - 1 ? 8 : 0);
            const onT = (et & side) !== 0;
            const onP = (ep & side) !== 0;
            const col = onT && onP ? OVERLAY_COLORS.both : onT ? OVERLAY_COLORS.truth : onP ? OVERLAY_COLORS.prediction : null;
            if (col) canvas.set(p.x + c * s + dx, p.y + r * s + dy, col[0], col[1], col[2]);
            else canvas.set(p.x + c * s + dx, p.y + r * s + dy, g, g, g);
          }
        }
      }
    }
  }
  return PNG.sync.write(canvas.png, { colorType: 2, deflateLevel: 9 });
}

/** {@link renderOverlay} written to a file (its folder is created); returns the number of bytes written. */
export function writeOverlay(file: string, image: OverlayVolume, options: RenderOverlayOptions = {}): number {
  const png = renderOverlay(image, options);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
  return png.length;
}

/**
 * Puts PNG pictures side by side (top-aligned, on the overlay background) into one PNG; `null` entries become a
 * box saying "no picture". Used by the gallery to show A-FL and FL on the same case.
 */
export function sideBySidePng(pictures: ReadonlyArray<Uint8Array | null>, options: { gap?: number; placeholder?: { width: number; height: number } } = {}): Buffer {
  if (pictures.length === 0) throw new Error('Error in sideBySidePng: no pictures given.');
  const decoded = pictures.map((p) => (p ? PNG.sync.read(Buffer.from(p.buffer, p.byteOffset, p.byteLength)) : null));
  const known = decoded.flatMap((d) => (d ? [d] : []));
  const ph = options.placeholder ?? { width: Math.max(200, ...known.map((d) => d.width)), height: Math.max(60, ...known.map((d) => d.height)) };
  const gap = options.gap ?? 12;
  const widths = decoded.map((d) => (d ? d.width : ph.width));
  const width = widths.reduce((a, b) => a + b, 0) + gap * (pictures.length - 1);
  const height = Math.max(...decoded.map((d) => (d ? d.height : ph.height)));
  const canvas = new Canvas(width, height);
  let x = 0;
  decoded.forEach((d, i) => {
    if (d) {
      for (let yy = 0; yy < d.height; yy++) {
        for (let xx = 0; xx < d.width; xx++) {
          const j = 4 * (yy * d.width + xx);
          canvas.set(x + xx, yy, d.data[j], d.data[j + 1], d.data[j + 2]);
        }
      }
    } else {
      canvas.rect(x, 0, ph.width, ph.height, [60, 60, 60]);
      canvas.text(x + 8, 8, 'NO PICTURE', 2);
    }
    x += widths[i] + gap;
  });
  return PNG.sync.write(canvas.png, { colorType: 2, deflateLevel: 9 });
}
