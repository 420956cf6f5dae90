import * as path from 'path';
import type { Volume, VolumeData, VolumeDtype } from '../volume';
import { applyScaling, decodeVoxels } from './decode-voxels';
import { dtypeInfo, MAX_VOLUME_BYTES, niftiDatatypeNames, niftiDatatypes, voxelCount } from './dtype-info';
import { isGzip, maxInflatedBytes, peekGunzip } from './inflate';
import { describeThrown, ioError, type IoContext } from './io-error';
import type { NiftiReader } from './load-nifti-reader';
import { fixPixdim, niftiAffine, xformCode } from './nifti-affine';
import { existsOp, inflateOp, readOp, type IoSteps } from './run-io';

/** The header facts the reader uses, parsed by nifti-reader-js (plus the fields it does not expose reliably). */
export interface NiftiHeaderInfo {
  version: 1 | 2;
  littleEndian: boolean;
  /** `ni1`/`ni2` magic: voxels live in a separate `.img` file. */
  pair: boolean;
  shape: number[];
  dtype: VolumeDtype;
  /** pixdim[0..7] after nibabel's load-time fixes. */
  pixdim: number[];
  /** Byte where the voxels start (in the `.nii`, or in the `.img` of a pair). */
  voxOffset: number;
  /** Scaling to apply, or undefined when there is none (slope 0/non-finite, or slope 1 and intercept 0). */
  scaling?: { slope: number; inter: number };
  qformCode: number;
  sformCode: number;
  affine: number[][];
  voxels: number;
}

/**
 * A decoded volume plus its unscaled voxels (the same array when no scaling applies; when scaling applies and the
 * raw voxels were not asked to be kept, `raw` may share memory with the scaled data and must not be used).
 */
export interface DecodedVolume {
  volume: Volume;
  raw: VolumeData;
}

const F32_EPS = 1.1920928955078125e-7;
const F64_EPS = 2.220446049250313e-16;

function int64(dv: DataView, at: number, le: boolean, ctx: IoContext, field: string): number {
  const v = dv.getBigInt64(at, le);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw ioError(ctx, `${field} is out of range, got ${v}.`);
  }
  return Number(v);
}

/**
 * Parses a NIfTI-1 or NIfTI-2 header (either byte order) from the first bytes of a file with nifti-reader-js, applies
 * nibabel's load-time fixes and computes the affine. `ctx.format` is updated to `NIfTI-1`/`NIfTI-2`.
 */
export function parseNiftiHeader(bytes: Uint8Array, reader: NiftiReader, ctx: IoContext): NiftiHeaderInfo {
  if (bytes.length < 4) throw ioError(ctx, `not a NIfTI file: ${bytes.length} bytes is too short for a header.`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getInt32(0, true);
  const be = dv.getInt32(0, false);
  const version: 1 | 2 | 0 = le === 348 || be === 348 ? 1 : le === 540 || be === 540 ? 2 : 0;
  if (version === 0) {
    throw ioError(
      ctx,
      `not a NIfTI file: sizeof_hdr (first 4 bytes) must be 348 (NIfTI-1) or 540 (NIfTI-2), got ${le} (little-endian) / ${be} (big-endian).`,
    );
  }
  ctx.format = `NIfTI-${version}`;
  const size = version === 1 ? 348 : 540;
  if (bytes.length < size) throw ioError(ctx, `header truncated: needs ${size} bytes, got ${bytes.length}.`);
  // Hand nifti-reader-js exactly the fixed-size header: it then skips its own extension parsing (which can loop or
  // read out of bounds on corrupt sizes). Extensions need no parsing to find the voxels (they end at vox_offset).
  const block = new Uint8Array(bytes.subarray(0, size)); // a copy, in its own ArrayBuffer
  let h;
  try {
    h = reader.readHeader(block.buffer, true);
  } catch (e) {
    const magicAt = version === 1 ? 344 : 4;
    const magic = Buffer.from(bytes.subarray(magicAt, magicAt + 4)).toString('latin1').replace(/\0/g, '\\0');
    throw ioError(ctx, `not a valid NIfTI-${version} header: magic is "${magic}" (nifti-reader-js: ${describeThrown(e)}).`);
  }
  if ((version === 2) !== h instanceof reader.NIFTI2) {
    throw ioError(ctx, `not a valid NIfTI-${version} header: sizeof_hdr says NIfTI-${version} but the magic says otherwise.`);
  }
  const little = h.littleEndian;
  const pair = h.magic.startsWith('ni');

  // nifti-reader-js reads NIfTI-2 int64 fields wrongly for big-endian files, so read dims and vox_offset here.
  const dims = version === 1 ? h.dims.slice(0, 8) : Array.from({ length: 8 }, (_, i) => int64(dv, 16 + 8 * i, little, ctx, `dim[${i}]`));
  const ndim = dims[0];
  if (!(Number.isInteger(ndim) && ndim >= 1 && ndim <= 7)) {
    throw ioError(ctx, `dim[0] (number of dimensions) must be 1..7, got ${ndim}.`);
  }
  const shape = dims.slice(1, ndim + 1);
  shape.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 1)) throw ioError(ctx, `dim[${i + 1}] must be >= 1, got ${d} (dims ${JSON.stringify(dims)}).`);
  });
  const code = h.datatypeCode;
  const dtype = niftiDatatypes[code];
  if (!dtype) {
    throw ioError(
      ctx,
      `unsupported datatype ${code} (${niftiDatatypeNames[code] ?? 'unknown code'}); supported: uint8, int8, int16, uint16, int32, uint32, float32, float64.`,
    );
  }
  const voxels = voxelCount(shape);
  const bytesNeeded = voxels * dtypeInfo[dtype].bytes;
  if (bytesNeeded > MAX_VOLUME_BYTES) {
    throw ioError(ctx, `dims ${shape.join('x')} of ${dtype} would need ${bytesNeeded} bytes, more than the ${MAX_VOLUME_BYTES} this reader accepts.`);
  }

  let voxOffset = version === 1 ? h.vox_offset : int64(dv, 168, little, ctx, 'vox_offset');
  if (!(Number.isFinite(voxOffset) && voxOffset >= 0)) throw ioError(ctx, `vox_offset must be a non-negative number, got ${voxOffset}.`);
  voxOffset = Math.floor(voxOffset);
  if (!pair && voxOffset < size + 4) {
    if (voxOffset === 0) voxOffset = size + 4;
    else if (voxOffset < size) throw ioError(ctx, `vox_offset ${voxOffset} lies inside the ${size}-byte header.`);
  }

  let scaling: NiftiHeaderInfo['scaling'];
  const slope = h.scl_slope;
  const inter = h.scl_inter;
  if (slope !== 0 && Number.isFinite(slope)) {
    if (!Number.isFinite(inter)) throw ioError(ctx, `scl_slope is ${slope} but scl_inter is ${inter}.`);
    if (slope !== 1 || inter !== 0) scaling = { slope, inter };
  }

  const srow =
    version === 1
      ? [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => dv.getFloat32(280 + (r * 4 + c) * 4, little)))
      : [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => dv.getFloat64(400 + (r * 4 + c) * 8, little)));
  const geometry = {
    shape,
    pixdim: h.pixDims,
    qformCode: h.qform_code,
    sformCode: h.sform_code,
    quatern: [h.quatern_b, h.quatern_c, h.quatern_d],
    qoffset: [h.qoffset_x, h.qoffset_y, h.qoffset_z],
    srow,
    quaternionThreshold: 3 * (version === 1 ? F32_EPS : F64_EPS),
  };
  let affine: number[][];
  try {
    affine = niftiAffine(geometry);
  } catch (e) {
    throw ioError(ctx, `invalid qform: ${describeThrown(e)}.`);
  }
  return {
    version,
    littleEndian: little,
    pair,
    shape,
    dtype,
    pixdim: fixPixdim(h.pixDims),
    voxOffset,
    scaling,
    qformCode: xformCode(h.qform_code),
    sformCode: xformCode(h.sform_code),
    affine,
    voxels,
  };
}

/** Splits `name.hdr.gz` into `name` and the extension, case preserved. */
function splitPairName(file: string): { base: string; ext: string; gz: boolean } | undefined {
  const m = /^(.*)\.(hdr|img)(\.gz)?$/i.exec(file);
  return m ? { base: m[1], ext: m[2], gz: m[3] !== undefined } : undefined;
}

/** Candidate partner files of a `.hdr`/`.img` file, the same compression first. */
export function pairPartners(file: string): string[] {
  const s = splitPairName(file);
  if (!s) return [];
  const upper = s.ext === s.ext.toUpperCase();
  const other = s.ext.toLowerCase() === 'hdr' ? 'img' : 'hdr';
  const ext = upper ? other.toUpperCase() : other;
  const gz = upper ? '.GZ' : '.gz';
  const plain = `${s.base}.${ext}`;
  return s.gz ? [plain + gz, plain] : [plain, plain + gz];
}

function* readBytes(file: string, ctx: IoContext, what: string): IoSteps<Buffer> {
  try {
    return (yield readOp(file)) as Buffer;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw ioError(ctx, `${what} not found.`);
    throw ioError(ctx, `cannot read ${what}: ${describeThrown(e)}.`);
  }
}

function* inflateAll(bytes: Uint8Array, expected: number, ctx: IoContext, describe: () => string): IoSteps<Buffer> {
  if (expected > maxInflatedBytes(bytes.length)) {
    throw ioError(
      ctx,
      `${describe()} needs ${expected} bytes, more than a ${bytes.length}-byte gzip stream can hold (dims disagree with the data, or the file is truncated).`,
    );
  }
  try {
    return (yield inflateOp(bytes, expected, true)) as Buffer;
  } catch (e) {
    throw ioError(ctx, `truncated or corrupt gzip data (zlib: ${describeThrown(e)}).`);
  }
}

/**
 * Reads a `.nii`, `.nii.gz`, or a `.hdr`/`.img` pair (each possibly gzipped; either file may be given), NIfTI-1 or
 * NIfTI-2, either byte order. Compression is detected from the gzip magic bytes, not the name. `keepRaw` keeps the
 * unscaled voxels intact (otherwise 4- and 8-byte voxels are scaled in place).
 */
export function* readNiftiSteps(file: string, reader: NiftiReader, fn: string, keepRaw = false): IoSteps<DecodedVolume> {
  const ctx: IoContext = { fn, file, format: 'NIfTI' };
  let headerFile = file;
  const split = splitPairName(file);
  if (split && split.ext.toLowerCase() === 'img') {
    const candidates = pairPartners(file);
    let found: string | undefined;
    for (const c of candidates) {
      if ((yield existsOp(c)) as boolean) {
        found = c;
        break;
      }
    }
    if (!found) throw ioError(ctx, `missing header partner: looked for ${candidates.map((c) => path.basename(c)).join(', ')}.`);
    headerFile = found;
    ctx.file = found;
  }
  const bytes = yield* readBytes(headerFile, ctx, 'file');
  const gz = isGzip(bytes);
  let head: Uint8Array = bytes;
  if (gz) {
    try {
      head = peekGunzip(bytes, 544);
    } catch (e) {
      throw ioError(ctx, `corrupt gzip data (zlib: ${describeThrown(e)}).`);
    }
  }
  const hdr = parseNiftiHeader(head, reader, ctx);
  const nbytes = hdr.voxels * dtypeInfo[hdr.dtype].bytes;
  const describe = () => `header dims ${hdr.shape.join('x')} (${hdr.dtype})`;

  let data: Uint8Array;
  const offset = hdr.voxOffset;
  if (!hdr.pair) {
    data = gz ? yield* inflateAll(bytes, offset + nbytes, ctx, describe) : bytes;
  } else {
    const candidates = file === headerFile ? pairPartners(headerFile) : [file];
    let imgFile: string | undefined;
    for (const c of candidates) {
      if ((yield existsOp(c)) as boolean) {
        imgFile = c;
        break;
      }
    }
    if (!imgFile) {
      throw ioError(ctx, `missing voxel data partner of a ${hdr.version === 1 ? 'ni1' : 'ni2'} header: looked for ${candidates.map((c) => path.basename(c)).join(', ')}.`);
    }
    const imgCtx: IoContext = { ...ctx, dataFile: imgFile };
    const img = yield* readBytes(imgFile, imgCtx, 'voxel data file');
    data = isGzip(img) ? yield* inflateAll(img, offset + nbytes, imgCtx, describe) : img;
    ctx.dataFile = imgFile;
  }
  const raw = decodeVoxels(data, offset, hdr.voxels, hdr.dtype, hdr.littleEndian, ctx, describe);
  const scaled = hdr.scaling ? applyScaling(raw, hdr.scaling.slope, hdr.scaling.inter, !keepRaw) : raw;
  return {
    volume: {
      data: scaled,
      shape: hdr.shape,
      spacing: hdr.pixdim.slice(1, hdr.shape.length + 1),
      affine: hdr.affine,
      dtype: hdr.dtype,
      source: file,
    },
    raw,
  };
}
