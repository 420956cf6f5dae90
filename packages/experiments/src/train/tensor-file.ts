import * as fs from 'node:fs';
import { writeFileAtomic } from './atomic-write';

const MAGIC = 'AFLCKPT1';

/** One named float32 array with its shape. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

interface Header<M> {
  meta: M;
  arrays: Array<{ name: string; shape: number[]; offset: number; length: number }>;
}

/**
 * Writes float32 arrays and a JSON `meta` object to one file, atomically. Layout: `AFLCKPT1`, uint32 LE header
 * length, the header JSON (padded to 4 bytes), then the arrays' bytes (little-endian float32).
 */
export function writeTensorFile<M>(file: string, meta: M, arrays: NamedArray[]): void {
  let offset = 0;
  const header: Header<M> = {
    meta,
    arrays: arrays.map((a) => {
      const entry = { name: a.name, shape: a.shape, offset, length: a.data.length };
      offset += a.data.length;
      return entry;
    }),
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(MAGIC.length + 4 + json.length + offset * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  const body = MAGIC.length + 4 + json.length;
  for (const [i, a] of arrays.entries()) {
    Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).copy(out, body + header.arrays[i].offset * 4);
  }
  writeFileAtomic(file, out);
}

/** Reads a file written by {@link writeTensorFile}; errors name the file. */
export function readTensorFile<M>(file: string): { meta: M; arrays: NamedArray[] } {
  const buf = fs.readFileSync(file);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Error(`Error in readTensorFile: ${file} is not an afl checkpoint (bad magic).`);
  }
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const body = MAGIC.length + 4 + headerLength;
  let header: Header<M>;
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, body)) as Header<M>;
  } catch {
    throw new Error(`Error in readTensorFile: ${file} has a corrupt header.`);
  }
  const total = header.arrays.reduce((s, a) => s + a.length, 0);
  if (buf.length !== body + total * 4) {
    throw new Error(`Error in readTensorFile: ${file} is truncated: ${buf.length} bytes, expected ${body + total * 4}.`);
  }
  const floats = new Float32Array(total);
  Buffer.from(floats.buffer).set(buf.subarray(body));
  return {
    meta: header.meta,
    arrays: header.arrays.map((a) => ({ name: a.name, shape: a.shape, data: floats.subarray(a.offset, a.offset + a.length) })),
  };
}
