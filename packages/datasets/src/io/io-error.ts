/** Where a read or write is happening, for error messages. */
export interface IoContext {
  /** Public function the user called, e.g. `readVolume`. */
  fn: string;
  /** File being read or written. */
  file: string;
  /** Format being decoded, e.g. `NIfTI-1`, `MetaImage`. */
  format: string;
  /** Separate voxel data file (`.img`, `.raw`) when the problem is there. */
  dataFile?: string;
}

/** Builds the project's error form, naming the function, the format and the file(s): `Error in <fn>: <format> file "<file>" (data file "<data>"): <message>`. */
export function ioError(ctx: IoContext, message: string): Error {
  const data = ctx.dataFile ? ` (data file "${ctx.dataFile}")` : '';
  return new Error(`Error in ${ctx.fn}: ${ctx.format} file "${ctx.file}"${data}: ${message}`);
}

/** Message of an unknown thrown value. */
export function describeThrown(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
