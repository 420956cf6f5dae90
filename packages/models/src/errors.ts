/** Builds the house-style error `Error in <fn>: <message>`. */
export function modelError(fn: string, message: string): Error {
  return new Error(`Error in ${fn}: ${message}`);
}
