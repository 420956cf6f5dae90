import * as fs from 'fs';
import type { Volume } from '../volume';
import { isGzip } from './inflate';
import { ioError } from './io-error';
import { loadNiftiReader, loadNiftiReaderSync, type NiftiReader } from './load-nifti-reader';
import { readMetaImageSteps } from './read-metaimage';
import { readNiftiSteps, type DecodedVolume } from './read-nifti';
import { runIoAsync, runIoSync, type IoSteps } from './run-io';

/** File formats {@link readVolume} recognises. */
export type VolumeFormat = 'nifti' | 'metaimage';

/** Format from the file name: `.nii`, `.nii.gz`, `.hdr`/`.img` (`.gz`) -> nifti; `.mha`, `.mhd` -> metaimage. */
export function formatFromName(file: string): VolumeFormat | undefined {
  const name = file.toLowerCase();
  if (/\.(nii|hdr|img)(\.gz)?$/.test(name)) return 'nifti';
  if (/\.(mha|mhd)$/.test(name)) return 'metaimage';
  return undefined;
}

/** Format from the first bytes: gzip or a 348/540 sizeof_hdr -> nifti; a `Key = Value` text line -> metaimage. */
export function formatFromMagic(head: Uint8Array): VolumeFormat | undefined {
  if (isGzip(head)) return 'nifti';
  if (head.length >= 4) {
    const dv = new DataView(head.buffer, head.byteOffset, 4);
    for (const le of [true, false]) {
      const size = dv.getInt32(0, le);
      if (size === 348 || size === 540) return 'nifti';
    }
  }
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 256)).toString('latin1');
  if (/^\s*[A-Za-z][A-Za-z0-9_]*\s*=/.test(text)) return 'metaimage';
  return undefined;
}

function readHead(file: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } catch {
    return new Uint8Array(0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function steps(file: string, fn: string, reader: () => NiftiReader, keepRaw: boolean): IoSteps<DecodedVolume> {
  if (typeof file !== 'string' || file === '') {
    throw new Error(`Error in ${fn}: path must be a non-empty string, got ${JSON.stringify(file)}.`);
  }
  const format = formatFromName(file) ?? formatFromMagic(readHead(file));
  if (format === 'nifti') return readNiftiSteps(file, reader(), fn, keepRaw);
  if (format === 'metaimage') return readMetaImageSteps(file, fn);
  if (!fs.existsSync(file)) throw ioError({ fn, file, format: 'volume' }, 'file not found.');
  throw ioError(
    { fn, file, format: 'volume' },
    'unknown format: expected .nii, .nii.gz, .hdr/.img(.gz), .mha or .mhd, and the first bytes are neither NIfTI, gzip nor a MetaImage header.',
  );
}

/** {@link readVolumeSync} that also returns the unscaled voxels (for checks against on-disk values). */
export function readVolumeWithRawSync(file: string, fn = 'readVolumeSync', keepRaw = true): DecodedVolume {
  return runIoSync(steps(file, fn, loadNiftiReaderSync, keepRaw));
}

/** {@link readVolume} that also returns the unscaled voxels. */
export async function readVolumeWithRaw(file: string, fn = 'readVolume', keepRaw = true): Promise<DecodedVolume> {
  const reader = formatFromName(file) === 'metaimage' ? undefined : await loadNiftiReader();
  return runIoAsync(steps(file, fn, () => reader ?? loadNiftiReaderSync(), keepRaw));
}

/**
 * Reads a NIfTI-1/NIfTI-2 (`.nii`, `.nii.gz`, `.hdr`/`.img` pairs, gzipped or not, either byte order) or MetaImage
 * (`.mha`, `.mhd` + data file, raw or zlib-compressed) volume. The format comes from the name, else the magic bytes.
 *
 * - `shape`/`spacing` are in file order, fastest axis first (`[nx, ny, nz, ...]`); the flat `data` is therefore a
 *   C-order `[nz, ny, nx]` array (see `dhwShape`).
 * - `affine` maps voxel indices to RAS+ mm as nibabel does (NIfTI: sform, else qform, else the centred pixdim
 *   diagonal; MetaImage: `Offset`/`ElementSpacing`/`TransformMatrix` converted from LPS), so an `.mha` image and a
 *   `.nii.gz` mask of the same grid get the same affine.
 * - NIfTI `scl_slope`/`scl_inter` are applied (Float32Array result; Float64Array for float64 files).
 *
 * Inflation runs on the libuv thread pool. Errors name the function, format, file and problem; sizes from the header
 * are checked before voxel buffers are allocated.
 *
 * @example
 * ```ts
 * const t2w = await readVolume('ProstateX-0000_07-07-2011_t2w.mha');
 * console.log(t2w.shape, t2w.spacing); // [384, 384, 19] [0.5, 0.5, 3]
 * ```
 */
export async function readVolume(path: string): Promise<Volume> {
  return (await readVolumeWithRaw(path, 'readVolume', false)).volume;
}

/** Blocking {@link readVolume}. */
export function readVolumeSync(path: string): Volume {
  return readVolumeWithRawSync(path, 'readVolumeSync', false).volume;
}
