import * as fs from 'fs';
import { inflateAsync, inflateSync } from './inflate';

/** An I/O step a reader asks its driver to perform; sync and async drivers share the readers' logic. */
export type IoOp =
  | { kind: 'read'; path: string }
  | { kind: 'exists'; path: string }
  | { kind: 'inflate'; src: Uint8Array; expectedBytes: number; gzip: boolean };

/** A reader written as a generator of {@link IoOp}s; each `yield` returns the op's result. */
export type IoSteps<T> = Generator<IoOp, T, unknown>;

export const readOp = (path: string): IoOp => ({ kind: 'read', path });
export const existsOp = (path: string): IoOp => ({ kind: 'exists', path });
export const inflateOp = (src: Uint8Array, expectedBytes: number, gzip: boolean): IoOp => ({
  kind: 'inflate',
  src,
  expectedBytes,
  gzip,
});

function existsSync(path: string): boolean {
  try {
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Runs reader steps with blocking I/O. */
export function runIoSync<T>(steps: IoSteps<T>): T {
  let next = steps.next();
  while (!next.done) {
    const op = next.value;
    let result: unknown;
    let failed = false;
    try {
      if (op.kind === 'read') result = fs.readFileSync(op.path);
      else if (op.kind === 'exists') result = existsSync(op.path);
      else result = inflateSync(op.src, op.expectedBytes, op.gzip);
    } catch (e) {
      failed = true;
      result = e;
    }
    next = failed ? steps.throw(result) : steps.next(result);
  }
  return next.value;
}

/** Runs reader steps with async file reads and inflation on the thread pool. */
export async function runIoAsync<T>(steps: IoSteps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    const op = next.value;
    let result: unknown;
    let failed = false;
    try {
      if (op.kind === 'read') result = await fs.promises.readFile(op.path);
      else if (op.kind === 'exists') {
        result = await fs.promises.stat(op.path).then(
          (s) => s.isFile(),
          () => false,
        );
      } else result = await inflateAsync(op.src, op.expectedBytes, op.gzip);
    } catch (e) {
      failed = true;
      result = e;
    }
    next = failed ? steps.throw(result) : steps.next(result);
  }
  return next.value;
}
