import * as path from 'path';
import type { VolumeDtype } from '../volume';
import { decodeVoxels } from './decode-voxels';
import { dtypeInfo, MAX_VOLUME_BYTES, metaImageTypes, voxelCount } from './dtype-info';
import { maxInflatedBytes } from './inflate';
import { describeThrown, ioError, type IoContext } from './io-error';
import type { DecodedVolume } from './read-nifti';
import { inflateOp, readOp, type IoSteps } from './run-io';

/** Parsed MetaImage header: `Key = Value` lines up to and including `ElementDataFile`. */
export interface MetaImageHeader {
  /** Values by lower-cased key. */
  fields: Map<string, string>;
  /** Byte offset just after the `ElementDataFile` line (where LOCAL data starts). */
  dataStart: number;
}

/** Longest header the reader scans for the `ElementDataFile` line. */
const MAX_HEADER_BYTES = 1 << 20;

/** Parses the text header of a `.mha`/`.mhd` file (latin1, `\n` or `\r\n` line ends). */
export function parseMetaImageHeader(bytes: Uint8Array, ctx: IoContext): MetaImageHeader {
  // Decode growing prefixes: headers are usually a few hundred bytes, the file may be hundreds of MB.
  for (const take of [4096, 65536, MAX_HEADER_BYTES]) {
    const n = Math.min(take, bytes.length);
    const found = scanHeader(Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1'), ctx, n === bytes.length || take === MAX_HEADER_BYTES);
    if (found) return found;
    if (n === bytes.length) break;
  }
  throw ioError(
    ctx,
    `not a MetaImage header: no "ElementDataFile = ..." line in the first ${Math.min(bytes.length, MAX_HEADER_BYTES)} bytes.`,
  );
}

/** Parses `Key = Value` lines; undefined when the text ends before `ElementDataFile` (unless `complete`). */
function scanHeader(text: string, ctx: IoContext, complete: boolean): MetaImageHeader | undefined {
  const fields = new Map<string, string>();
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    const last = end < 0;
    if (last) {
      if (!complete) return undefined; // the line may continue past this prefix
      end = text.length;
    }
    const line = text.slice(pos, end).replace(/\r$/, '');
    const next = last ? end : end + 1;
    const eq = line.indexOf('=');
    if (line.trim() !== '') {
      if (eq <= 0) {
        throw ioError(ctx, `not a MetaImage header: line ${JSON.stringify(line.slice(0, 60))} at byte ${pos} is not "Key = Value".`);
      }
      const key = line.slice(0, eq).trim().toLowerCase();
      fields.set(key, line.slice(eq + 1).trim());
      if (key === 'elementdatafile') return { fields, dataStart: next };
    }
    pos = next;
  }
  return undefined;
}

function numbers(h: MetaImageHeader, keys: string[], count: number, ctx: IoContext): number[] | undefined {
  for (const key of keys) {
    const v = h.fields.get(key.toLowerCase());
    if (v === undefined) continue;
    const parts = v.split(/\s+/).filter((s) => s !== '');
    const xs = parts.map(Number);
    if (xs.length < count || xs.slice(0, count).some((x) => !Number.isFinite(x))) {
      throw ioError(ctx, `${key} must hold ${count} numbers, got ${JSON.stringify(v)}.`);
    }
    return xs.slice(0, count);
  }
  return undefined;
}

function bool(h: MetaImageHeader, keys: string[]): boolean | undefined {
  for (const key of keys) {
    const v = h.fields.get(key.toLowerCase());
    if (v !== undefined) return /^(true|1|yes)$/i.test(v);
  }
  return undefined;
}

/**
 * The 4x4 voxel -> LPS affine of a MetaImage header: column j is `ElementSpacing[j]` times the j-th direction cosine
 * (`TransformMatrix` lists the cosines axis after axis, i.e. the columns of the direction matrix), the translation
 * is `Offset`. 2-D images get an identity third axis; axes beyond 3 are dropped.
 */
export function metaImageLpsAffine(spacing: readonly number[], origin: readonly number[], direction: readonly number[]): number[][] {
  const n = spacing.length;
  const a = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  const m = Math.min(n, 3);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < m; i++) a[i][j] = direction[j * n + i] * spacing[j];
  }
  for (let i = 0; i < m; i++) a[i][3] = origin[i];
  return a;
}

/** LPS -> RAS: negate the first two rows. */
export function lpsToRas(affine: readonly (readonly number[])[]): number[][] {
  return affine.map((row, i) => (i < 2 ? row.map((v) => (v === 0 ? 0 : -v)) : [...row]));
}

/** The DICOM tags of a header (keys like `0010|0020`, lower-cased by the parser), or nothing when it has none. */
function dicomTags(fields: Map<string, string>): { tags?: Record<string, string> } {
  const tags: Record<string, string> = {};
  for (const [key, value] of fields) if (/^[0-9a-f]{4}\|[0-9a-f]{4}$/.test(key)) tags[key] = value;
  return Object.keys(tags).length > 0 ? { tags } : {};
}

/**
 * Reads a MetaImage `.mha` (LOCAL data) or `.mhd` + data file (path relative to the header), raw or zlib/gzip
 * compressed (`CompressedData = True`), either byte order. The affine is converted from LPS to RAS.
 */
export function* readMetaImageSteps(file: string, fn: string): IoSteps<DecodedVolume> {
  const ctx: IoContext = { fn, file, format: 'MetaImage' };
  let bytes: Buffer;
  try {
    bytes = (yield readOp(file)) as Buffer;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw ioError(ctx, 'file not found.');
    throw ioError(ctx, `cannot read file: ${describeThrown(e)}.`);
  }
  const h = parseMetaImageHeader(bytes, ctx);
  const get = (key: string) => h.fields.get(key.toLowerCase());

  const objectType = get('ObjectType');
  if (objectType !== undefined && objectType.toLowerCase() !== 'image') {
    throw ioError(ctx, `ObjectType must be Image, got ${JSON.stringify(objectType)}.`);
  }
  const ndim = Number(get('NDims'));
  if (!(Number.isInteger(ndim) && ndim >= 1 && ndim <= 10)) throw ioError(ctx, `NDims must be an integer 1..10, got ${JSON.stringify(get('NDims'))}.`);
  const shape = numbers(h, ['DimSize'], ndim, ctx);
  if (!shape) throw ioError(ctx, 'DimSize is missing.');
  shape.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 1)) throw ioError(ctx, `DimSize[${i}] must be an integer >= 1, got ${d}.`);
  });
  const typeName = (get('ElementType') ?? '').toUpperCase();
  const dtype: VolumeDtype | undefined = metaImageTypes[typeName];
  if (!dtype) {
    throw ioError(ctx, `unsupported ElementType ${JSON.stringify(get('ElementType') ?? '')}; supported: ${Object.keys(metaImageTypes).join(', ')}.`);
  }
  const channels = Number(get('ElementNumberOfChannels') ?? '1');
  if (channels !== 1) throw ioError(ctx, `only single-channel images are supported, got ElementNumberOfChannels = ${get('ElementNumberOfChannels')}.`);
  if (bool(h, ['BinaryData']) === false) throw ioError(ctx, 'ASCII voxel data (BinaryData = False) is not supported.');
  const bigEndian = bool(h, ['BinaryDataByteOrderMSB', 'ElementByteOrderMSB']) ?? false;
  const compressed = bool(h, ['CompressedData']) ?? false;

  const spacing = numbers(h, ['ElementSpacing', 'ElementSize'], ndim, ctx) ?? new Array<number>(ndim).fill(1);
  const origin = numbers(h, ['Offset', 'Position', 'Origin'], ndim, ctx) ?? new Array<number>(ndim).fill(0);
  const identity = Array.from({ length: ndim * ndim }, (_, k) => (k % (ndim + 1) === 0 ? 1 : 0));
  const direction = numbers(h, ['TransformMatrix', 'Rotation', 'Orientation'], ndim * ndim, ctx) ?? identity;

  const voxels = voxelCount(shape);
  const nbytes = voxels * dtypeInfo[dtype].bytes;
  const describe = () => `DimSize ${shape.join('x')} (${typeName})`;
  if (nbytes > MAX_VOLUME_BYTES) {
    throw ioError(ctx, `${describe()} would need ${nbytes} bytes, more than the ${MAX_VOLUME_BYTES} this reader accepts.`);
  }

  const dataFile = get('ElementDataFile') ?? '';
  let src: Uint8Array;
  let dataCtx = ctx;
  if (dataFile.toUpperCase() === 'LOCAL') {
    src = bytes.subarray(h.dataStart);
  } else if (/^LIST\b/i.test(dataFile) || /%\d*d/.test(dataFile)) {
    throw ioError(ctx, `ElementDataFile = ${dataFile}: lists and patterns of slice files are not supported.`);
  } else {
    const dataPath = path.resolve(path.dirname(file), dataFile);
    dataCtx = { ...ctx, dataFile: dataPath };
    let data: Buffer;
    try {
      data = (yield readOp(dataPath)) as Buffer;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw ioError(ctx, `ElementDataFile ${JSON.stringify(dataFile)} not found (looked for ${dataPath}).`);
      }
      throw ioError(dataCtx, `cannot read data file: ${describeThrown(e)}.`);
    }
    const headerSize = Number(get('HeaderSize') ?? '0');
    if (!Number.isInteger(headerSize) || headerSize < -1) throw ioError(ctx, `HeaderSize must be an integer >= -1, got ${get('HeaderSize')}.`);
    if (headerSize === -1 && !compressed) {
      src = data.subarray(Math.max(0, data.length - nbytes));
    } else {
      src = data.subarray(Math.min(headerSize === -1 ? 0 : headerSize, data.length));
      if (!compressed && src.length !== nbytes) {
        throw ioError(dataCtx, `${describe()} needs ${nbytes} bytes of raw data, got ${src.length} (wrong data file, or wrong DimSize/ElementType).`);
      }
    }
  }

  if (compressed) {
    const declared = Number(get('CompressedDataSize') ?? 'NaN');
    if (Number.isInteger(declared) && declared > 0 && declared < src.length) src = src.subarray(0, declared);
    if (nbytes > maxInflatedBytes(src.length)) {
      throw ioError(dataCtx, `${describe()} needs ${nbytes} bytes, more than ${src.length} compressed bytes can hold (truncated data, or wrong DimSize).`);
    }
    try {
      src = (yield inflateOp(src, nbytes, false)) as Buffer;
    } catch (e) {
      throw ioError(dataCtx, `truncated or corrupt compressed data (zlib: ${describeThrown(e)}).`);
    }
  } else if (src.byteOffset % dtypeInfo[dtype].bytes !== 0 || src.buffer.byteLength !== src.length) {
    // LOCAL data after a text header: copy so the voxels are aligned and the header bytes are not retained.
    src = new Uint8Array(src.subarray(0, Math.min(src.length, nbytes)));
  }
  const raw = decodeVoxels(src, 0, voxels, dtype, !bigEndian, dataCtx, describe);
  return {
    volume: {
      data: raw,
      shape,
      spacing,
      affine: lpsToRas(metaImageLpsAffine(spacing, origin, direction)),
      dtype,
      source: file,
      ...dicomTags(h.fields),
    },
    raw,
  };
}
