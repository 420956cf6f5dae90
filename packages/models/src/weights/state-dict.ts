import * as fs from 'fs';
import * as path from 'path';
import { modelError } from '../errors';

/** One float32 tensor: shape and row-major data. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Tensors by torchvision state-dict name (`conv1.weight`, `layer1.0.bn1.running_mean`, …).
 * `layout: 'torch'`: conv weights `[out, in, kh, kw]`; `'tfjs'`: `[kh, kw, in, out]` (`[kd, kh, kw, in, out]` in 3-D).
 */
export interface StateDict {
  layout: 'torch' | 'tfjs';
  tensors: Map<string, NamedTensor>;
}

/**
 * The manifest of a state-dict file (`<name>.json` beside a raw little-endian float32 `<bin>`):
 * `{ "format": "afl-state-dict", "version": 1, "layout": "torch" | "tfjs", "bin": "resnet50.bin",
 *    "tensors": [{ "name": "conv1.weight", "shape": [64, 3, 7, 7], "offset": 0 }, …] }`, offsets in bytes.
 */
export interface StateDictManifest {
  format: 'afl-state-dict';
  version: 1;
  layout: 'torch' | 'tfjs';
  bin: string;
  tensors: { name: string; shape: number[]; offset: number }[];
}

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** Reads a state-dict manifest (`.json`) and its `.bin`. */
export function readStateDict(manifestPath: string): StateDict {
  const fn = 'readStateDict';
  let manifest: StateDictManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as StateDictManifest;
  } catch (e) {
    throw modelError(fn, `cannot read the state-dict manifest ${manifestPath} (${(e as Error).message}).`);
  }
  if (manifest.format !== 'afl-state-dict' || manifest.version !== 1 || !Array.isArray(manifest.tensors) ||
      (manifest.layout !== 'torch' && manifest.layout !== 'tfjs') || typeof manifest.bin !== 'string') {
    throw modelError(fn, `${manifestPath} is not an afl-state-dict v1 manifest (format, version, layout, bin, ` +
      `tensors), got format ${JSON.stringify(manifest.format)} version ${JSON.stringify(manifest.version)}.`);
  }
  const binPath = path.resolve(path.dirname(manifestPath), manifest.bin);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(binPath);
  } catch (e) {
    throw modelError(fn, `cannot read the weights file ${binPath} named by ${manifestPath} (${(e as Error).message}).`);
  }
  const tensors = new Map<string, NamedTensor>();
  for (const t of manifest.tensors) {
    const n = size(t.shape);
    if (!Number.isInteger(t.offset) || t.offset < 0 || t.offset % 4 !== 0 || t.offset + 4 * n > buf.byteLength) {
      throw modelError(fn, `tensor '${t.name}' (shape [${t.shape}], offset ${t.offset}) lies outside ${binPath} ` +
        `(${buf.byteLength} bytes).`);
    }
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(t.offset + 4 * i);
    tensors.set(t.name, { shape: [...t.shape], data });
  }
  return { layout: manifest.layout, tensors };
}

/** Writes `sd` as `<manifestPath>` + a `.bin` beside it (same base name). Returns the manifest path. */
export function writeStateDict(manifestPath: string, sd: StateDict): string {
  fs.mkdirSync(path.dirname(manifestPath), { recursive: true });
  const bin = path.basename(manifestPath).replace(/\.json$/, '') + '.bin';
  const total = [...sd.tensors.values()].reduce((p, t) => p + t.data.length, 0);
  const out = Buffer.alloc(4 * total);
  const entries: StateDictManifest['tensors'] = [];
  let offset = 0;
  for (const [name, t] of sd.tensors) {
    for (let i = 0; i < t.data.length; i++) out.writeFloatLE(t.data[i], offset + 4 * i);
    entries.push({ name, shape: t.shape, offset });
    offset += 4 * t.data.length;
  }
  fs.writeFileSync(path.join(path.dirname(manifestPath), bin), out);
  const manifest: StateDictManifest = { format: 'afl-state-dict', version: 1, layout: sd.layout, bin, tensors: entries };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  return manifestPath;
}

/** Permutes a row-major tensor: `out.shape[i] = shape[perm[i]]`. */
export function permute(t: NamedTensor, perm: number[]): NamedTensor {
  const { shape, data } = t;
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * strides[i];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return { shape: outShape, data: out };
}

/** Converts a torch-layout state dict to the tfjs layout (conv weights `[out, in, ...k]` -> `[...k, in, out]`). */
export function toTfjsLayout(sd: StateDict): StateDict {
  if (sd.layout === 'tfjs') return sd;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, t] of sd.tensors) {
    const r = t.shape.length;
    tensors.set(name, r >= 3 ? permute(t, [...Array.from({ length: r - 2 }, (_, i) => i + 2), 1, 0]) : t);
  }
  return { layout: 'tfjs', tensors };
}
