/** Builds the project's error message form: `Error in <fn>: <message>`. */
export function reportError(fn: string, message: string): Error {
  return new Error(`Error in ${fn}: ${message}`);
}
