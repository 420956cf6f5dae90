import type { VolumeData, VolumeDtype } from '../volume';

/** Size and typed-array constructor of a voxel type. */
export interface DtypeInfo {
  bytes: 1 | 2 | 4 | 8;
  create: (buffer: ArrayBufferLike, byteOffset: number, length: number) => VolumeData;
  alloc: (length: number) => VolumeData;
  integer: boolean;
  min: number;
  max: number;
}

function info(
  bytes: 1 | 2 | 4 | 8,
  Ctor: {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): VolumeData;
    new (length: number): VolumeData;
  },
  integer: boolean,
  min: number,
  max: number,
): DtypeInfo {
  return {
    bytes,
    create: (buffer, byteOffset, length) => new Ctor(buffer, byteOffset, length),
    alloc: (length) => new Ctor(length),
    integer,
    min,
    max,
  };
}

/** Per-dtype size and constructor. */
export const dtypeInfo: Record<VolumeDtype, DtypeInfo> = {
  uint8: info(1, Uint8Array, true, 0, 255),
  int8: info(1, Int8Array, true, -128, 127),
  int16: info(2, Int16Array, true, -32768, 32767),
  uint16: info(2, Uint16Array, true, 0, 65535),
  int32: info(4, Int32Array, true, -2147483648, 2147483647),
  uint32: info(4, Uint32Array, true, 0, 4294967295),
  float32: info(4, Float32Array, false, -3.4028234663852886e38, 3.4028234663852886e38),
  float64: info(8, Float64Array, false, -Number.MAX_VALUE, Number.MAX_VALUE),
};

/** NIfTI datatype code -> dtype, for the codes this package decodes. */
export const niftiDatatypes: Record<number, VolumeDtype> = {
  2: 'uint8',
  4: 'int16',
  8: 'int32',
  16: 'float32',
  64: 'float64',
  256: 'int8',
  512: 'uint16',
  768: 'uint32',
};

/** NIfTI datatype names (all codes of the standard), for error messages. */
export const niftiDatatypeNames: Record<number, string> = {
  0: 'none',
  1: 'binary',
  2: 'uint8',
  4: 'int16',
  8: 'int32',
  16: 'float32',
  32: 'complex64',
  64: 'float64',
  128: 'rgb24',
  256: 'int8',
  511: 'float128?',
  512: 'uint16',
  768: 'uint32',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

/** dtype -> NIfTI datatype code. */
export const niftiCodeOf: Record<VolumeDtype, number> = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  int8: 256,
  uint16: 512,
  uint32: 768,
};

/** MetaImage ElementType -> dtype (MetaIO sizes: MET_LONG/MET_ULONG are 4 bytes). */
export const metaImageTypes: Record<string, VolumeDtype> = {
  MET_CHAR: 'int8',
  MET_UCHAR: 'uint8',
  MET_SHORT: 'int16',
  MET_USHORT: 'uint16',
  MET_INT: 'int32',
  MET_UINT: 'uint32',
  MET_LONG: 'int32',
  MET_ULONG: 'uint32',
  MET_FLOAT: 'float32',
  MET_DOUBLE: 'float64',
};

/** The dtype of a typed array. */
export function dtypeOfArray(data: VolumeData): VolumeDtype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** True when this machine stores numbers little-endian. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Largest voxel payload the readers accept (bytes). Checked against the header before anything is allocated, so a
 * header that claims e.g. 2^31 float32 voxels fails at once.
 */
export const MAX_VOLUME_BYTES = 2 ** 31 - 1;

/** Product of dims, with the largest safe integer as a cap. */
export function voxelCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  }
  return n;
}
