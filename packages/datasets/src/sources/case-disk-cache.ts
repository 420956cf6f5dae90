import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SegmentationCase } from '../segmentation-case';

/** Default cache directory: `$AFL_CACHE_DIR`, else `<os.tmpdir()>/afl-cache`. */
export function defaultCacheDir(): string {
  return process.env.AFL_CACHE_DIR ?? path.join(os.tmpdir(), 'afl-cache');
}

/**
 * Cache key of a preprocessed case: sha256 over the input files (absolute path, size, mtime) and the settings JSON.
 * Any change to an input file or a setting gives a new key.
 */
export function cacheKey(files: readonly string[], settings: unknown): string {
  const h = crypto.createHash('sha256');
  for (const f of files) {
    const st = fs.statSync(f);
    h.update(`${path.resolve(f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  h.update(JSON.stringify(settings));
  return h.digest('hex').slice(0, 32);
}

interface Header {
  id: string;
  shape: [number, number, number];
  spacing: [number, number, number];
  channels: string[];
  parts: { name: 'image' | 'mask' | 'labels' | 'organ'; bytes: number }[];
  affine?: number[][];
  meta?: Record<string, unknown>;
}

/**
 * A directory of preprocessed cases: `<key>.json` (header) + `<key>.bin` (image float32, then mask / labels / organ
 * uint8), written atomically (temp file + rename) so an interrupted run never leaves a half case behind.
 */
export class CaseDiskCache {
  constructor(readonly dir: string = defaultCacheDir()) {}

  read(key: string): SegmentationCase | undefined {
    const hp = path.join(this.dir, `${key}.json`);
    const bp = path.join(this.dir, `${key}.bin`);
    if (!fs.existsSync(hp) || !fs.existsSync(bp)) return undefined;
    try {
      const h = JSON.parse(fs.readFileSync(hp, 'utf8')) as Header;
      const buf = fs.readFileSync(bp);
      let off = 0;
      const out: Partial<SegmentationCase> = { id: h.id, shape: h.shape, spacing: h.spacing, channels: h.channels, ...(h.affine ? { affine: h.affine } : {}), meta: h.meta };
      for (const p of h.parts) {
        const bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + p.bytes));
        off += p.bytes;
        if (p.name === 'image') out.image = new Float32Array(bytes.buffer);
        else out[p.name] = bytes;
      }
      return out.image && out.mask ? (out as SegmentationCase) : undefined;
    } catch {
      return undefined;
    }
  }

  write(key: string, c: SegmentationCase): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const parts: Header['parts'] = [];
    const chunks: Buffer[] = [];
    const add = (name: Header['parts'][number]['name'], a: ArrayBufferView | undefined): void => {
      if (!a) return;
      parts.push({ name, bytes: a.byteLength });
      chunks.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    };
    add('image', c.image);
    add('mask', c.mask);
    add('labels', c.labels);
    add('organ', c.organ);
    const header: Header = { id: c.id, shape: c.shape, spacing: c.spacing, channels: c.channels, ...(c.affine ? { affine: c.affine } : {}), parts, meta: c.meta };
    const tmp = `.${process.pid}.${Date.now()}`;
    fs.writeFileSync(path.join(this.dir, `${key}.bin${tmp}`), Buffer.concat(chunks));
    fs.renameSync(path.join(this.dir, `${key}.bin${tmp}`), path.join(this.dir, `${key}.bin`));
    fs.writeFileSync(path.join(this.dir, `${key}.json${tmp}`), JSON.stringify(header));
    fs.renameSync(path.join(this.dir, `${key}.json${tmp}`), path.join(this.dir, `${key}.json`));
  }
}
