import type { VolumeData, VolumeDtype } from '../volume';
import { dtypeInfo, HOST_LITTLE_ENDIAN } from './dtype-info';
import { ioError, type IoContext } from './io-error';

/**
 * Turns `count` voxels of `dtype` stored at `src[offset..]` into a typed array, in place when possible: the bytes are
 * viewed without copying when aligned, and byte-swapped in place when the file's byte order differs from the host's.
 * `src` must be a buffer the reader owns (it may be modified). Throws when `src` holds too few bytes.
 */
export function decodeVoxels(
  src: Uint8Array,
  offset: number,
  count: number,
  dtype: VolumeDtype,
  littleEndian: boolean,
  ctx: IoContext,
  describe: () => string,
): VolumeData {
  const info = dtypeInfo[dtype];
  const need = count * info.bytes;
  const have = Math.max(0, src.length - offset);
  if (have < need) {
    throw ioError(ctx, `${describe()} needs ${need} bytes of voxel data from byte ${offset}, got ${have} (file truncated, or its dims disagree with the data).`);
  }
  let bytes = src.subarray(offset, offset + need);
  if (bytes.byteOffset % info.bytes !== 0) bytes = new Uint8Array(bytes); // copy to an aligned buffer
  if (info.bytes > 1 && littleEndian !== HOST_LITTLE_ENDIAN) {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (info.bytes === 2) b.swap16();
    else if (info.bytes === 4) b.swap32();
    else b.swap64();
  }
  return info.create(bytes.buffer, bytes.byteOffset, count);
}

/**
 * `raw * slope + inter` computed in float64, stored as float32 (float64 when the raw data is float64). With
 * `inPlace`, 4- and 8-byte inputs are overwritten (the result shares their buffer), so no second buffer is needed.
 */
export function applyScaling(raw: VolumeData, slope: number, inter: number, inPlace = false): Float32Array | Float64Array {
  if (raw instanceof Float64Array) return scaleInto(raw, inPlace ? raw : new Float64Array(raw.length), slope, inter);
  const sameWidth = raw.BYTES_PER_ELEMENT === 4;
  const out = inPlace && sameWidth ? new Float32Array(raw.buffer, raw.byteOffset, raw.length) : new Float32Array(raw.length);
  return scaleInto(raw, out, slope, inter);
}

function scaleInto<T extends Float32Array | Float64Array>(raw: ArrayLike<number>, out: T, slope: number, inter: number): T {
  const n = raw.length;
  for (let i = 0; i < n; i++) out[i] = raw[i] * slope + inter;
  return out;
}
