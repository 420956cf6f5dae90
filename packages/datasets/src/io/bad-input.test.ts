import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Volume } from '../volume';
import { readVolume, readVolumeSync } from './read-volume';
import { sharedForTest } from '@afl/core/testing';
import { writeNiftiSync } from './write-nifti';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-bad-input-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const small: Volume = {
  data: new Uint16Array(4 * 5 * 6).map((_, i) => i),
  shape: [4, 5, 6],
  spacing: [1, 1, 2],
  affine: [
    [-1, 0, 0, 10],
    [0, 1, 0, -20],
    [0, 0, 2, 5],
    [0, 0, 0, 1],
  ],
  dtype: 'uint16',
  source: '',
};

/** A valid uncompressed .nii of `small`, as bytes, patched by `patch`. */
function niiBytes(patch?: (dv: DataView) => void): Buffer {
  const file = path.join(tmp, `base-${process.hrtime.bigint()}.nii`);
  writeNiftiSync(file, small);
  const bytes = fs.readFileSync(file);
  fs.rmSync(file);
  if (patch) patch(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return bytes;
}

function put(name: string, bytes: Uint8Array | string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

const MHA_HEADER = (lines: string[]) => `ObjectType = Image\nNDims = 3\nBinaryData = True\n${lines.join('\n')}\n`;

/** Both readers fail with an Error whose message names the function, the file and the problem. */
async function rejects(file: string, problem: RegExp, named = path.basename(file)): Promise<void> {
  const check = (e: unknown, fn: string) => {
    assert.ok(e instanceof Error, 'throws an Error');
    assert.match(e.message, new RegExp(`^Error in ${fn}: `));
    assert.ok(e.message.includes(named), `message names ${named}: ${e.message}`);
    assert.match(e.message, problem);
    return true;
  };
  assert.throws(() => readVolumeSync(file), (e) => check(e, 'readVolumeSync'));
  await assert.rejects(readVolume(file), (e) => check(e, 'readVolume'));
}

/** Runs `fn` and returns how much ArrayBuffer memory grew meanwhile (bytes). */
async function bufferGrowth(fn: () => Promise<void>): Promise<number> {
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().arrayBuffers) - before;
}

describe('readVolume: bad input gives an Error naming the file and the problem', () => {
  it('rejects a file that is not NIfTI', async () => {
    await rejects(put('random.nii', Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919) % 251))), /NIfTI file ".*random\.nii": not a NIfTI file: sizeof_hdr \(first 4 bytes\) must be 348 \(NIfTI-1\) or 540 \(NIfTI-2\), got/);
    const shared = sharedForTest('data').path;
    if (shared) await rejects(path.join(shared, 'formats/nifti-reader-js/not-nifti.nii'), /not a NIfTI file/);
    await rejects(put('short.nii', niiBytes().subarray(0, 200)), /header truncated: needs 348 bytes, got 200/);
    const badMagic = niiBytes((dv) => dv.setUint8(345, 0x78));
    await rejects(put('bad-magic.nii', badMagic), /not a valid NIfTI-1 header: magic is "nx1\\0"/);
  });

  it('rejects a truncated .gz', async () => {
    const gz = zlib.gzipSync(niiBytes());
    await rejects(put('truncated.nii.gz', gz.subarray(0, Math.floor(gz.length * 0.6))), /truncated or corrupt gzip data \(zlib: unexpected end of file\)/);
    await rejects(put('tiny.nii.gz', gz.subarray(0, 12)), /NIfTI|gzip/);
  });

  it('rejects a header whose dims disagree with the data length', async () => {
    const bigger = niiBytes((dv) => dv.setInt16(46, 60, true)); // dim[3] 6 -> 60
    await rejects(put('dims.nii', bigger), /header dims 4x5x60 \(uint16\) needs 2400 bytes of voxel data from byte 352, got 240/);
    await rejects(put('dims.nii.gz', zlib.gzipSync(bigger)), /header dims 4x5x60 \(uint16\) needs 2400 bytes of voxel data from byte 352, got 240/);
    const zeroDim = niiBytes((dv) => dv.setInt16(44, 0, true));
    await rejects(put('zero-dim.nii', zeroDim), /dim\[2\] must be >= 1, got 0/);
    const badRank = niiBytes((dv) => dv.setInt16(40, 9, true));
    await rejects(put('rank.nii', badRank), /dim\[0\] \(number of dimensions\) must be 1..7, got 9/);
  });

  it('rejects unknown or unsupported datatypes', async () => {
    await rejects(put('complex.nii', niiBytes((dv) => dv.setInt16(70, 32, true))), /unsupported datatype 32 \(complex64\)/);
    await rejects(put('code999.nii', niiBytes((dv) => dv.setInt16(70, 999, true))), /unsupported datatype 999 \(unknown code\)/);
    const mha = MHA_HEADER(['DimSize = 2 2 2', 'ElementType = MET_FOO', 'ElementDataFile = LOCAL']);
    await rejects(put('type.mha', Buffer.concat([Buffer.from(mha), Buffer.alloc(8)])), /unsupported ElementType "MET_FOO"/);
  });

  it('rejects absurd dims without allocating the claimed size', async () => {
    const huge = niiBytes((dv) => [40, 42, 44, 46].forEach((o, i) => dv.setInt16(o, [3, 32767, 32767, 32767][i], true)));
    const g1 = await bufferGrowth(() => rejects(put('huge.nii', huge), /dims 32767x32767x32767 of uint16 would need 70362301923326 bytes, more than the 2147483647/));
    // 2^30 uint16 voxels (2 GiB claimed) in a ~100-byte gzip stream.
    const gig = niiBytes((dv) => [40, 42, 44, 46].forEach((o, i) => dv.setInt16(o, [3, 1024, 1024, 512][i], true)));
    const g2 = await bufferGrowth(() => rejects(put('gig.nii.gz', zlib.gzipSync(gig)), /needs|more than/));
    const g3 = await bufferGrowth(() => rejects(put('gig.nii', gig), /header dims 1024x1024x512 \(uint16\) needs 1073741824 bytes of voxel data from byte 352, got 240/));
    const mha = MHA_HEADER(['CompressedData = True', 'DimSize = 4096 4096 4096', 'ElementType = MET_FLOAT', 'ElementDataFile = LOCAL']);
    const g4 = await bufferGrowth(() => rejects(put('huge.mha', Buffer.concat([Buffer.from(mha), zlib.deflateSync(Buffer.alloc(64))])), /would need 274877906944 bytes/));
    const mha2 = MHA_HEADER(['CompressedData = True', 'DimSize = 1024 1024 256', 'ElementType = MET_FLOAT', 'ElementDataFile = LOCAL']);
    const g5 = await bufferGrowth(() => rejects(put('big.mha', Buffer.concat([Buffer.from(mha2), zlib.deflateSync(Buffer.alloc(64))])), /needs 1073741824 bytes, more than \d+ compressed bytes can hold/));
    for (const g of [g1, g2, g3, g4, g5]) assert.ok(g < 64 * 2 ** 20, `allocated ${g} bytes before failing`);
  });

  it('rejects a raw file of the wrong size, and truncated compressed MetaImage data', async () => {
    put('short.raw', Buffer.alloc(100));
    await rejects(put('short.mhd', MHA_HEADER(['DimSize = 4 5 6', 'ElementType = MET_SHORT', 'ElementDataFile = short.raw'])), /short\.mhd" \(data file ".*short\.raw"\): DimSize 4x5x6 \(MET_SHORT\) needs 240 bytes of raw data, got 100/);
    put('long.raw', Buffer.alloc(1000));
    await rejects(put('long.mhd', MHA_HEADER(['DimSize = 4 5 6', 'ElementType = MET_SHORT', 'ElementDataFile = long.raw'])), /needs 240 bytes of raw data, got 1000/);
    const z = zlib.deflateSync(Buffer.alloc(240, 7));
    const mha = MHA_HEADER(['CompressedData = True', 'DimSize = 4 5 6', 'ElementType = MET_SHORT', 'ElementDataFile = LOCAL']);
    await rejects(put('cut.mha', Buffer.concat([Buffer.from(mha), z.subarray(0, z.length - 6)])), /truncated or corrupt compressed data \(zlib: unexpected end of file\)/);
    const local = MHA_HEADER(['DimSize = 4 5 6', 'ElementType = MET_SHORT', 'ElementDataFile = LOCAL']);
    await rejects(put('local.mha', Buffer.concat([Buffer.from(local), Buffer.alloc(100)])), /DimSize 4x5x6 \(MET_SHORT\) needs 240 bytes of voxel data from byte 0, got 100/);
    await rejects(put('nodata.mha', 'ObjectType = Image\nNDims = 3\n'), /not a MetaImage header: no "ElementDataFile = \.\.\." line/);
    await rejects(put('nodims.mha', MHA_HEADER(['DimSize = 4 5', 'ElementType = MET_SHORT', 'ElementDataFile = LOCAL'])), /DimSize must hold 3 numbers, got "4 5"/);
  });

  it('rejects missing files and missing .img/.raw partners', async () => {
    await rejects(path.join(tmp, 'nope.nii.gz'), /NIfTI file ".*nope\.nii\.gz": file not found/);
    await rejects(path.join(tmp, 'nope.mha'), /MetaImage file ".*nope\.mha": file not found/);
    await rejects(path.join(tmp, 'nope.vol'), /file not found/);
    const pairHeader = niiBytes((dv) => {
      dv.setUint8(345, 0x69); // "ni1": a .hdr/.img pair header
      dv.setFloat32(108, 0, true);
    });
    await rejects(put('lonely.hdr', pairHeader.subarray(0, 348)), /missing voxel data partner of a ni1 header: looked for lonely\.img, lonely\.img\.gz/);
    await rejects(put('orphan.img', Buffer.alloc(240)), /missing header partner: looked for orphan\.hdr, orphan\.hdr\.gz/);
    await rejects(put('lonely.mhd', MHA_HEADER(['DimSize = 4 5 6', 'ElementType = MET_SHORT', 'ElementDataFile = gone.raw'])), /ElementDataFile "gone\.raw" not found \(looked for .*gone\.raw\)/);
    put('unknown.vol', 'hello world, not a volume');
    await rejects(path.join(tmp, 'unknown.vol'), /unknown format/);
  });

  it('reads a valid .hdr/.img pair and a detached .mhd it writes itself (control)', async () => {
    const bytes = niiBytes((dv) => {
      dv.setUint8(345, 0x69);
      dv.setFloat32(108, 0, true);
    });
    put('pair.hdr', bytes.subarray(0, 348));
    put('pair.img.gz', zlib.gzipSync(bytes.subarray(352)));
    const v = await readVolume(path.join(tmp, 'pair.hdr'));
    assert.deepEqual(v.data, small.data);
    put('ok.raw', Buffer.from(small.data.buffer));
    const m = readVolumeSync(put('ok.mhd', MHA_HEADER(['DimSize = 4 5 6', 'ElementType = MET_USHORT', 'ElementSpacing = 1 1 2', 'ElementDataFile = ok.raw'])));
    assert.deepEqual(m.data, small.data);
    assert.deepEqual(m.affine, [
      [-1, 0, 0, 0],
      [0, -1, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 1],
    ]);
  });
});
