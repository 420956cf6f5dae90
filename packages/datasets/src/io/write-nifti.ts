import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { promisify } from 'util';
import type { Volume, VolumeData, VolumeDtype } from '../volume';
import { dtypeInfo, dtypeOfArray, HOST_LITTLE_ENDIAN, niftiCodeOf, voxelCount } from './dtype-info';
import { qformFromAffine } from './qform-from-affine';

const gzipAsync = promisify(zlib.gzip);

/** Options of {@link writeNifti}. */
export interface WriteNiftiOptions {
  /**
   * Voxel type to store, e.g. `'uint8'` for a predicted mask held in a Float32Array. Values are rounded and must fit
   * integer types. Default: the type of `volume.data`.
   */
  dtype?: VolumeDtype;
  /** `qform_code` (default 1, scanner anatomical). */
  qformCode?: number;
  /** `sform_code` (default 1, scanner anatomical). */
  sformCode?: number;
  /** Header `descrip` (at most 79 ASCII characters). */
  description?: string;
  /** gzip level 1..9 for `.nii.gz` (default 6). */
  compressionLevel?: number;
}

type Writable = Pick<Volume, 'data' | 'shape' | 'affine'> & Partial<Pick<Volume, 'spacing'>>;

function fail(message: string): never {
  throw new Error(`Error in writeNifti: ${message}`);
}

function checkArgs(file: string, volume: Writable, options: WriteNiftiOptions): { gz: boolean; dtype: VolumeDtype } {
  if (typeof file !== 'string' || !/\.nii(\.gz)?$/i.test(file)) fail(`path must end with .nii or .nii.gz, got ${JSON.stringify(file)}.`);
  const { shape, data, affine } = volume;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 7) fail(`shape must have 1..7 dims, got ${JSON.stringify(shape)}.`);
  shape.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 1 && d <= 32767)) fail(`shape[${i}] must be an integer 1..32767 (NIfTI-1), got ${d}.`);
  });
  if (!ArrayBuffer.isView(data)) fail('volume.data must be a typed array.');
  if (data.length !== voxelCount(shape)) fail(`volume.data has ${data.length} values but shape ${shape.join('x')} needs ${voxelCount(shape)}.`);
  const ok = Array.isArray(affine) && affine.length === 4 && affine.every((r) => Array.isArray(r) && r.length === 4 && r.every(Number.isFinite));
  if (!ok) fail(`affine must be a 4x4 array of finite numbers, got ${JSON.stringify(affine)}.`);
  const dtype = options.dtype ?? dtypeOfArray(data);
  if (!(dtype in niftiCodeOf)) fail(`unsupported dtype ${JSON.stringify(dtype)}, available options are ${Object.keys(niftiCodeOf).join(', ')}.`);
  for (const [name, code] of [['qformCode', options.qformCode], ['sformCode', options.sformCode]] as const) {
    if (code !== undefined && !(Number.isInteger(code) && code >= 0 && code <= 5)) fail(`${name} must be an integer 0..5, got ${code}.`);
  }
  const level = options.compressionLevel;
  if (level !== undefined && !(Number.isInteger(level) && level >= 1 && level <= 9)) fail(`compressionLevel must be 1..9, got ${level}.`);
  return { gz: /\.gz$/i.test(file), dtype };
}

/** Converts to the stored dtype: integer targets get rounded values, checked to fit. */
function castData(data: VolumeData, dtype: VolumeDtype): VolumeData {
  if (dtypeOfArray(data) === dtype) return data;
  const info = dtypeInfo[dtype];
  const out = info.alloc(data.length);
  if (!info.integer) {
    for (let i = 0; i < data.length; i++) out[i] = data[i];
    return out;
  }
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]);
    if (!(v >= info.min && v <= info.max)) fail(`value ${data[i]} at index ${i} does not fit dtype ${dtype}.`);
    out[i] = v;
  }
  return out;
}

/** The 352-byte NIfTI-1 header (348 + 4 extension bytes, none used) for a volume, in the host byte order. */
export function niftiHeaderBytes(volume: Writable, dtype: VolumeDtype, options: WriteNiftiOptions = {}): Buffer {
  const le = HOST_LITTLE_ENDIAN;
  const buf = Buffer.alloc(352);
  const dv = new DataView(buf.buffer, buf.byteOffset, 352);
  const { shape, affine } = volume;
  const q = qformFromAffine(affine);
  dv.setInt32(0, 348, le);
  dv.setInt16(40, shape.length, le);
  for (let i = 0; i < 7; i++) dv.setInt16(42 + 2 * i, shape[i] ?? 1, le);
  dv.setInt16(70, niftiCodeOf[dtype], le);
  dv.setInt16(72, dtypeInfo[dtype].bytes * 8, le);
  const pixdim = [q.qfac, ...q.zooms, ...(volume.spacing ?? []).slice(3, 7)];
  for (let i = 0; i < 8; i++) dv.setFloat32(76 + 4 * i, pixdim[i] ?? (i < shape.length + 1 ? 1 : 0), le);
  dv.setFloat32(108, 352, le); // vox_offset
  dv.setFloat32(112, 1, le); // scl_slope
  dv.setFloat32(116, 0, le); // scl_inter
  buf[123] = 2 | (shape.length > 3 ? 8 : 0); // xyzt_units: mm (+ s)
  const description = (options.description ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  buf.write(description, 148, 'latin1');
  dv.setInt16(252, options.qformCode ?? 1, le);
  dv.setInt16(254, options.sformCode ?? 1, le);
  q.quatern.forEach((v, i) => dv.setFloat32(256 + 4 * i, v, le));
  q.qoffset.forEach((v, i) => dv.setFloat32(268 + 4 * i, v, le));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) dv.setFloat32(280 + (r * 4 + c) * 4, affine[r][c], le);
  buf.write('n+1\0', 344, 'latin1');
  return buf;
}

function encode(file: string, volume: Writable, options: WriteNiftiOptions): { gz: boolean; parts: [Buffer, Buffer] } {
  const { gz, dtype } = checkArgs(file, volume, options);
  const data = castData(volume.data, dtype);
  const header = niftiHeaderBytes(volume, dtype, options);
  return { gz, parts: [header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)] };
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
}

/** Blocking {@link writeNifti}. */
export function writeNiftiSync(file: string, volume: Writable, options: WriteNiftiOptions = {}): void {
  const { gz, parts } = encode(file, volume, options);
  const tmp = tempName(file);
  try {
    if (gz) fs.writeFileSync(tmp, zlib.gzipSync(Buffer.concat(parts), { level: options.compressionLevel ?? 6 }));
    else fs.writeFileSync(tmp, Buffer.concat(parts));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`Error in writeNifti: cannot write "${file}": ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/**
 * Writes a volume as a little-endian (host order) NIfTI-1 `.nii` or `.nii.gz` (by the name), keeping its geometry:
 * the sform holds `volume.affine` exactly (float32) and the qform its rotation, zooms and offset, with both codes set
 * (default 1), so a predicted mask opens over its image in 3D Slicer / ITK-SNAP. `pixdim[1..3]` are the affine's
 * column norms. No scaling is stored. The file appears atomically (written to a temp file, then renamed).
 *
 * @example
 * ```ts
 * const image = await readVolume('t2w.mha');
 * await writeNifti('/tmp/pred.nii.gz', { ...image, data: predictedMask }, { dtype: 'uint8' });
 * ```
 */
export async function writeNifti(file: string, volume: Writable, options: WriteNiftiOptions = {}): Promise<void> {
  const { gz, parts } = encode(file, volume, options);
  const tmp = tempName(file);
  try {
    const body = Buffer.concat(parts);
    await fs.promises.writeFile(tmp, gz ? await gzipAsync(body, { level: options.compressionLevel ?? 6 }) : body);
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw new Error(`Error in writeNifti: cannot write "${file}": ${e instanceof Error ? e.message : String(e)}.`);
  }
}
