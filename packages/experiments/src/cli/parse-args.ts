/** A command-line problem: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** `--name value`, `--name=value` and bare `--flag`; everything else is positional. */
export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq > 0) flags[name] = a.slice(eq + 1);
    else if (booleanFlags.includes(name) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) flags[name] = true;
    else flags[name] = argv[++i];
  }
  return { positional, flags };
}

/** Rejects flags a command does not know, naming them and the valid ones. */
export function checkFlags(command: string, parsed: ParsedArgs, known: readonly string[]): void {
  const unknown = Object.keys(parsed.flags).filter((f) => !known.includes(f));
  if (unknown.length) {
    throw new UsageError(`afl ${command}: unknown option ${unknown.map((u) => `--${u}`).join(', ')} (valid: ${known.map((k) => `--${k}`).join(', ')}; see afl ${command} --help)`);
  }
}

export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.flags[name];
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function intFlag(parsed: ParsedArgs, name: string, min = 1): number | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

export function numberFlag(parsed: ParsedArgs, name: string): number | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

export function choiceFlag<T extends string>(parsed: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}
