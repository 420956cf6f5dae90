#!/usr/bin/env node
import { importWeights } from './weights/import-weights';

const USAGE = `Usage: node packages/models/dist/cli.js import-weights <file.h5|file.json> <cacheDir> [--format keras-h5|state-dict] [--name resnet50-imagenet]`;

/**
 * Command line of @afl/models. `import-weights` converts pretrained ResNet50 weights once into a cache directory
 * (see `importWeights`). Returns the exit code.
 */
export async function cli(argv: string[], log: (s: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'import-weights') {
    log(command === undefined || command === '--help' ? USAGE : `Error in cli: unknown command ${JSON.stringify(command)}.\n${USAGE}`);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].startsWith('--')) flags[rest[i].slice(2)] = rest[++i];
    else positional.push(rest[i]);
  }
  if (positional.length !== 2) {
    log(`Error in cli: import-weights needs <file> and <cacheDir>, got ${positional.length} argument(s).\n${USAGE}`);
    return 2;
  }
  try {
    const r = await importWeights(positional[0], positional[1], { format: flags.format as never, name: flags.name });
    log(`imported ${r.tensors} tensors -> ${r.manifest}`);
    return 0;
  } catch (e) {
    log((e as Error).message);
    return 1;
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
