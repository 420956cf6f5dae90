import * as zlib from 'zlib';
import { promisify } from 'util';

const gunzipAsync = promisify(zlib.gunzip);
const unzipAsync = promisify(zlib.unzip);

/** Largest output deflate can produce per input byte (about 1032:1), plus slack for headers. */
export function maxInflatedBytes(compressedBytes: number): number {
  return compressedBytes * 1032 + 65536;
}

/** True for the gzip magic bytes 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function options(expectedBytes: number): zlib.ZlibOptions {
  // One output chunk one byte larger than the expected size: zlib fills it without growing or concatenating (a
  // chunk that ends up exactly full would make Node allocate a second one), so the result is the only copy.
  return { chunkSize: Math.max(64 * 1024, expectedBytes + 1) };
}

/**
 * Inflates a whole gzip (`gzip: true`) or zlib/gzip stream (`gzip: false`, auto-detected) whose output size is
 * expected to be `expectedBytes`, without intermediate copies.
 */
export function inflateSync(src: Uint8Array, expectedBytes: number, gzip: boolean): Buffer {
  return gzip ? zlib.gunzipSync(src, options(expectedBytes)) : zlib.unzipSync(src, options(expectedBytes));
}

/** Below this output size the thread-pool round trip costs more than inflating on the calling thread. */
const ASYNC_MIN_BYTES = 1 << 20;

/** {@link inflateSync} on the libuv thread pool (inline for outputs under 1 MiB). */
export async function inflateAsync(src: Uint8Array, expectedBytes: number, gzip: boolean): Promise<Buffer> {
  if (expectedBytes < ASYNC_MIN_BYTES) return inflateSync(src, expectedBytes, gzip);
  return gzip ? gunzipAsync(src, options(expectedBytes)) : unzipAsync(src, options(expectedBytes));
}

/**
 * Inflates only the start of a gzip stream, at least `minBytes` when the stream has that many: decodes growing
 * prefixes of the compressed bytes with `Z_SYNC_FLUSH`, which returns what a truncated input yields instead of failing.
 */
export function peekGunzip(src: Uint8Array, minBytes: number): Buffer {
  let out = Buffer.alloc(0);
  for (const take of [1024, 65536, src.length]) {
    const n = Math.min(take, src.length);
    out = zlib.gunzipSync(src.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (out.length >= minBytes || n === src.length) break;
  }
  return out;
}
