import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Volume } from '../volume';
import { dtypeInfo, voxelCount } from './dtype-info';
import { readVolume, readVolumeSync } from './read-volume';
import { sharedForTest } from '@afl/core/testing';
import { createRng } from '../random';
import { writeNiftiSync } from './write-nifti';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-fuzz-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Seed {
  name: string;
  /** Bytes to mutate (an uncompressed file). */
  bytes: Buffer;
  /** How many leading bytes are header. */
  headerBytes: number;
  kind: 'binary' | 'text';
  /** Extra files next to it (e.g. the .raw of a .mhd). */
  companions?: Record<string, Buffer>;
}

function seeds(): Seed[] {
  const out: Seed[] = [];
  const v: Volume = {
    data: new Int16Array(6 * 5 * 4).map((_, i) => i - 60),
    shape: [6, 5, 4],
    spacing: [0.5, 0.5, 3],
    affine: [
      [-0.5, 0, 0, 30],
      [0, 0.45, 0.9, -20],
      [0, -0.2, 2.8, 5],
      [0, 0, 0, 1],
    ],
    dtype: 'int16',
    source: '',
  };
  const file = path.join(tmp, 'seed.nii');
  writeNiftiSync(file, v);
  out.push({ name: 'written.nii', bytes: fs.readFileSync(file), headerBytes: 352, kind: 'binary' });
  const dir = sharedForTest('data').path;
  if (dir) {
    const read = (rel: string) => {
      const b = fs.readFileSync(path.join(dir, rel));
      return b[0] === 0x1f ? zlib.gunzipSync(b) : b;
    };
    out.push({ name: '5D_small.nii', bytes: read('formats/nifti-reader-js/5D_small.nii'), headerBytes: 352, kind: 'binary' });
    // Real big-endian header with extensions, data cut to a small grid so each try stays fast.
    const ext = read('formats/nifti-reader-js/with_extension.nii.gz');
    const extOffset = Math.floor(new DataView(ext.buffer, ext.byteOffset).getFloat32(108, false));
    const extSmall = Buffer.from(ext.subarray(0, extOffset + 8 * 7 * 6));
    [8, 7, 6, 1].forEach((d, i) => extSmall.writeInt16BE(d, 42 + 2 * i));
    out.push({ name: 'with_extension.nii', bytes: extSmall, headerBytes: extOffset, kind: 'binary' });
    // Real NIfTI-2 header on a 5x4x3 float32 grid.
    const n2 = read('formats/nifti-reader-js/avg152T1_LR_nifti2.nii.gz');
    const n2Small = Buffer.concat([n2.subarray(0, 544), n2.subarray(544, 544 + 5 * 4 * 3 * 4)]);
    [5, 4, 3].forEach((d, i) => n2Small.writeBigInt64LE(BigInt(d), 24 + 8 * i));
    out.push({ name: 'nifti2.nii', bytes: n2Small, headerBytes: 544, kind: 'binary' });
    const mha = fs.readFileSync(path.join(dir, 'formats/elastix/2DMRI-T1_brain.mha'));
    out.push({ name: 'brain.mha', bytes: mha, headerBytes: mha.indexOf('ElementDataFile') + 22, kind: 'text' });
    const t2w = fs.readFileSync(path.join(dir, 'picai-images/ProstateX-0000_07-07-2011_hbv.mha'));
    out.push({ name: 'hbv.mha', bytes: t2w, headerBytes: t2w.indexOf('ElementDataFile') + 22, kind: 'text' });
    const air = read('formats/nifti-reader-js/air.hdr.gz');
    const airImg = fs.readFileSync(path.join(dir, 'formats/nifti-reader-js/air.img.gz'));
    out.push({ name: 'air.hdr', bytes: air, headerBytes: air.length, kind: 'binary', companions: { 'air.img.gz': airImg } });
    const raw = fs.readFileSync(path.join(dir, 'formats/elastix/fixed.raw'));
    const mhd = fs.readFileSync(path.join(dir, 'formats/elastix/fixed.mhd'));
    out.push({ name: 'fixed.mhd', bytes: mhd, headerBytes: mhd.length, kind: 'text', companions: { 'fixed.raw': raw } });
  }
  return out;
}

const INTERESTING = [0, 1, -1, 2, 3, 7, 8, 255, 348, 352, 540, 32767, -32768, 65535, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1];
const INTERESTING_FLOATS = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e30, -1e30, 1e-30, 352];

function mutateBinary(src: Buffer, headerBytes: number, rand: () => number): Buffer {
  const b = Buffer.from(src);
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rand() * headerBytes);
    const op = Math.floor(rand() * 5);
    if (op === 0) b[at] ^= 1 << Math.floor(rand() * 8);
    else if (op === 1) b[at] = Math.floor(rand() * 256);
    else if (op === 2 && at + 2 <= b.length) b.writeUInt16LE(INTERESTING[Math.floor(rand() * INTERESTING.length)] & 0xffff, at & ~1);
    else if (op === 3 && (at & ~3) + 4 <= b.length) b.writeInt32LE(INTERESTING[Math.floor(rand() * INTERESTING.length)] | 0, at & ~3);
    else if ((at & ~3) + 4 <= b.length) {
      const v = INTERESTING_FLOATS[Math.floor(rand() * INTERESTING_FLOATS.length)];
      if (rand() < 0.5) b.writeFloatLE(v, at & ~3);
      else b.writeFloatBE(v, at & ~3);
    }
  }
  return b;
}

function mutateText(src: Buffer, headerBytes: number, rand: () => number): Buffer {
  let header = src.subarray(0, headerBytes).toString('latin1');
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n; k++) {
    const op = Math.floor(rand() * 5);
    const at = Math.floor(rand() * header.length);
    if (op === 0) header = header.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + header.slice(at + 1);
    else if (op === 1) header = header.slice(0, at) + String(Math.floor(rand() * 10)) + header.slice(at + 1);
    else if (op === 2) {
      // Replace one number with an interesting one.
      const numbers = [...header.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
      if (numbers.length) {
        const m = numbers[Math.floor(rand() * numbers.length)];
        const repl = String([0, -1, 1, 2, 99999999, 4294967296, 1e300, -5, 0.5][Math.floor(rand() * 9)]);
        header = header.slice(0, m.index!) + repl + header.slice(m.index! + m[0].length);
      }
    } else if (op === 3) {
      const lines = header.split('\n');
      lines.splice(Math.floor(rand() * (lines.length - 2)), 1);
      header = lines.join('\n');
    } else {
      const keys = ['MET_UCHAR', 'MET_DOUBLE', 'MET_LONG_LONG', 'True', 'False', 'LOCAL', 'LIST', 'x.raw'];
      header = header.slice(0, at) + keys[Math.floor(rand() * keys.length)] + header.slice(at);
    }
  }
  return Buffer.concat([Buffer.from(header, 'latin1'), src.subarray(headerBytes)]);
}

function checkOutcome(outcome: { volume?: Volume; error?: unknown }, fn: string, what: string): void {
  if (outcome.error !== undefined) {
    assert.ok(outcome.error instanceof Error, `${what}: threw a non-Error ${String(outcome.error)}`);
    assert.match(outcome.error.message, new RegExp(`^Error in ${fn}: `), `${what}: ${outcome.error.message}`);
    return;
  }
  const v = outcome.volume!;
  assert.equal(v.data.length, voxelCount(v.shape), `${what}: data length vs shape ${v.shape}`);
  assert.ok(dtypeInfo[v.dtype], `${what}: dtype ${v.dtype}`);
  assert.equal(v.affine.length, 4, `${what}: affine`);
  assert.equal(v.spacing.length, v.shape.length, `${what}: spacing`);
}

describe('readVolume fuzz: mutated headers of real files', () => {
  it('gives a clean Error or a consistent volume for 400 seeded mutations (never a crash, non-Error or hang)', { timeout: 20000 }, async () => {
    const rand = createRng(20240601).next; // seeded, so failures reproduce
    const all = seeds();
    let errors = 0;
    let reads = 0;
    for (let i = 0; i < 400; i++) {
      const s = all[i % all.length];
      const bytes = s.kind === 'binary' ? mutateBinary(s.bytes, s.headerBytes, rand) : mutateText(s.bytes, s.headerBytes, rand);
      const caseDir = path.join(tmp, `case-${i}`);
      fs.mkdirSync(caseDir);
      for (const [name, b] of Object.entries(s.companions ?? {})) fs.writeFileSync(path.join(caseDir, name), b);
      const gz = s.kind === 'binary' && i % 3 === 0;
      const file = path.join(caseDir, gz ? `${s.name}.gz` : s.name);
      fs.writeFileSync(file, gz ? zlib.gzipSync(bytes, { level: 1 }) : bytes);
      const what = `case ${i} (${s.name}${gz ? '.gz' : ''})`;
      let outcome: { volume?: Volume; error?: unknown };
      try {
        outcome = { volume: readVolumeSync(file) };
      } catch (e) {
        outcome = { error: e };
      }
      checkOutcome(outcome, 'readVolumeSync', what);
      if (outcome.error) errors++;
      if (process.env.AFL_FUZZ_VERBOSE && outcome.error) console.log((outcome.error as Error).message.replace(/"[^"]*"/, "F").slice(0, 150));
      else reads++;
      if (i % 8 === 0) {
        let asyncOutcome: { volume?: Volume; error?: unknown };
        try {
          asyncOutcome = { volume: await readVolume(file) };
        } catch (e) {
          asyncOutcome = { error: e };
        }
        checkOutcome(asyncOutcome, 'readVolume', `${what} async`);
        assert.equal(asyncOutcome.error === undefined, outcome.error === undefined, `${what}: sync and async agree`);
      }
      fs.rmSync(caseDir, { recursive: true, force: true });
    }
    if (process.env.AFL_FUZZ_VERBOSE) console.log({ errors, reads });
    assert.ok(errors > 0 && reads > 0, `both outcomes occur (errors ${errors}, reads ${reads})`);
  });
});
