/** Where a read or write is happening, for error messages. */
export interface IoContext {
  /** Public function the user called, e.g. `readVolume`. */
  fn: string;
  /** File being read or written. */
  file: string;
  /** Format being decoded, e.g. `NIfTI-1`, `MetaImage`. */
  format: string;
}

/** Builds the project's error form, naming the function, the format and the file: `Error in <fn>: <format> file "<file>": <message>`. */
export function ioError(ctx: IoContext, message: string): Error {
  return new Error(`Error in ${ctx.fn}: ${ctx.format} file "${ctx.file}": ${message}`);
}

/** Message of an unknown thrown value. */
export function describeThrown(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
