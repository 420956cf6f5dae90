import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { VolumeDtype } from '../volume';
import { dtypeInfo, metaImageTypes } from './dtype-info';
import { lpsToRas, metaImageLpsAffine } from './read-metaimage';
import { readVolume, readVolumeSync } from './read-volume';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-metaimage-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Bytes of `values` as `dtype`, in the requested byte order. */
function encode(values: number[], dtype: VolumeDtype, bigEndian: boolean): Buffer {
  const info = dtypeInfo[dtype];
  const b = Buffer.from(info.alloc(values.length).map((_, i) => values[i]).buffer);
  if (bigEndian && info.bytes === 2) b.swap16();
  if (bigEndian && info.bytes === 4) b.swap32();
  if (bigEndian && info.bytes === 8) b.swap64();
  return b;
}

const SHAPE = [3, 4, 2];
const VALUES = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? i * 3 : -i));

describe('MetaImage reader', () => {
  for (const [type, dtype] of Object.entries(metaImageTypes)) {
    it(`reads ${type} (${dtype}) as .mha raw/compressed and .mhd + .raw, both byte orders`, async () => {
      const info = dtypeInfo[dtype];
      const expected = info.alloc(24).map((_, i) => Math.max(info.min, VALUES[i]));
      for (const bigEndian of [false, true]) {
        for (const compressed of [false, true]) {
          const body = encode([...expected], dtype, bigEndian);
          const payload = compressed ? zlib.deflateSync(body) : body;
          const header = [
            'ObjectType = Image',
            'NDims = 3',
            'BinaryData = True',
            `BinaryDataByteOrderMSB = ${bigEndian ? 'True' : 'False'}`,
            `CompressedData = ${compressed ? 'True' : 'False'}`,
            ...(compressed ? [`CompressedDataSize = ${payload.length}`] : []),
            'TransformMatrix = 0 1 0 -1 0 0 0 0 1',
            'Offset = 10 -20 30',
            'ElementSpacing = 0.5 0.75 3',
            `DimSize = ${SHAPE.join(' ')}`,
            `ElementType = ${type}`,
          ];
          const name = `${type}-${bigEndian ? 'be' : 'le'}-${compressed ? 'z' : 'raw'}`;
          const mha = path.join(tmp, `${name}.mha`);
          fs.writeFileSync(mha, Buffer.concat([Buffer.from([...header, 'ElementDataFile = LOCAL', ''].join('\r\n')), payload]));
          const v = readVolumeSync(mha);
          assert.equal(v.dtype, dtype);
          assert.deepEqual(v.shape, SHAPE);
          assert.deepEqual(v.spacing, [0.5, 0.75, 3]);
          assert.deepEqual(v.data, expected, `${name}.mha voxels`);
          // Columns: axis 0 along +y (LPS) -> -y (RAS); axis 1 along -x (LPS) -> +x (RAS).
          assert.deepEqual(v.affine, [
            [0, 0.75, 0, -10],
            [-0.5, 0, 0, 20],
            [0, 0, 3, 30],
            [0, 0, 0, 1],
          ]);
          const mhd = path.join(tmp, `${name}.mhd`);
          fs.writeFileSync(path.join(tmp, `${name}.dat`), Buffer.concat([Buffer.alloc(16, 0xee), payload]));
          fs.writeFileSync(mhd, [...header, 'HeaderSize = 16', `ElementDataFile = ${name}.dat`, ''].join('\n'));
          const d = await readVolume(mhd);
          assert.deepEqual(d.data, expected, `${name}.mhd voxels`);
          assert.deepEqual(d.affine, v.affine);
        }
      }
    });
  }

  it('defaults spacing to 1, offset to 0 and direction to identity, and reads HeaderSize = -1 as "data at the end"', () => {
    fs.writeFileSync(path.join(tmp, 'tail.raw'), Buffer.concat([Buffer.alloc(10, 1), Buffer.from(new Uint8Array([1, 2, 3, 4, 5, 6]))]));
    fs.writeFileSync(path.join(tmp, 'tail.mhd'), 'NDims = 2\nDimSize = 3 2\nElementType = MET_UCHAR\nHeaderSize = -1\nElementDataFile = tail.raw\n');
    const v = readVolumeSync(path.join(tmp, 'tail.mhd'));
    assert.deepEqual([...v.data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(v.spacing, [1, 1]);
    assert.deepEqual(v.affine, [
      [-1, 0, 0, 0],
      [0, -1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('builds the LPS affine from spacing x direction columns plus offset, and converts it to RAS', () => {
    const lps = metaImageLpsAffine([2, 3, 4], [1, 2, 3], [1, 0, 0, 0, 0, 1, 0, -1, 0]);
    assert.deepEqual(lps, [
      [2, 0, 0, 1],
      [0, 0, -4, 2],
      [0, 3, 0, 3],
      [0, 0, 0, 1],
    ]);
    assert.deepEqual(lpsToRas(lps), [
      [-2, 0, 0, -1],
      [0, 0, 4, -2],
      [0, 3, 0, 3],
      [0, 0, 0, 1],
    ]);
  });

  it('rejects what it does not support with a clear error', () => {
    const cases: [string, RegExp][] = [
      ['NDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\nElementNumberOfChannels = 3\nElementDataFile = LOCAL\n', /only single-channel images are supported, got ElementNumberOfChannels = 3/],
      ['NDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\nBinaryData = False\nElementDataFile = LOCAL\n', /ASCII voxel data \(BinaryData = False\) is not supported/],
      ['NDims = 3\nDimSize = 2 2 2\nElementType = MET_LONG_LONG\nElementDataFile = LOCAL\n', /unsupported ElementType "MET_LONG_LONG"/],
      ['NDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\nElementDataFile = LIST\n', /lists and patterns of slice files are not supported/],
      ['ObjectType = Scene\nNDims = 3\nElementDataFile = LOCAL\n', /ObjectType must be Image, got "Scene"/],
    ];
    cases.forEach(([header, problem], i) => {
      const file = path.join(tmp, `unsupported-${i}.mha`);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(header), Buffer.alloc(8)]));
      assert.throws(() => readVolumeSync(file), (e: Error) => e.message.startsWith('Error in readVolumeSync: MetaImage file') && e.message.includes(file) && problem.test(e.message));
    });
  });
});
