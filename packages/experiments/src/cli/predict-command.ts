import * as fs from 'node:fs';
import * as path from 'node:path';
import { readVolume, writeNifti } from '@afl/datasets';
import { predictStudy } from '../inference/predict-study';
import { loadStudyModel } from '../inference/study-model';
import { writeOverlayPng } from './predict-overlay';
import { numberFlag, stringFlag, UsageError, type ParsedArgs } from './parse-args';

function ensureDir(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

/**
 * `afl predict <t2w> [<adc> <hbv>] --cell FILE --out mask.nii.gz [--probabilities prob.nii.gz] [--png overlay.png]`:
 * the mask (uint8) and probabilities (float32) on the first image's grid, and a summary of the lesions.
 */
export async function predictStudyCommand(parsed: ParsedArgs, log: (line: string) => void): Promise<void> {
  const cellFile = stringFlag(parsed, 'cell');
  const files = parsed.positional;
  const out = stringFlag(parsed, 'out');
  if (!cellFile || files.length === 0 || !out) {
    throw new UsageError('afl predict: usage afl predict <t2w> [<adc> <hbv>] --cell FILE --out mask.nii.gz (see afl predict --help)');
  }
  const extra = ['gland', 'truth'].map((k) => stringFlag(parsed, k)).filter((f): f is string => f !== undefined);
  for (const f of [...files, ...extra]) {
    if (!fs.existsSync(f)) throw new UsageError(`${f}: no such file`);
  }
  const threshold = numberFlag(parsed, 'threshold');
  if (threshold !== undefined && threshold >= 1) throw new UsageError(`--threshold must be below 1, got ${threshold}`);
  const spec = loadStudyModel(cellFile);
  try {
    const started = Date.now();
    const p = await predictStudy(spec, files, { gland: stringFlag(parsed, 'gland'), threshold });
    const description = `afl ${spec.label ?? ''}`.slice(0, 79);
    ensureDir(out);
    await writeNifti(out, p.mask, { dtype: 'uint8', description });
    const written = [out];
    const probFile = stringFlag(parsed, 'probabilities');
    if (probFile) {
      ensureDir(probFile);
      await writeNifti(probFile, p.probabilities, { dtype: 'float32', description });
      written.push(probFile);
    }
    const png = stringFlag(parsed, 'png');
    if (png) {
      const truthFile = stringFlag(parsed, 'truth');
      const truth = truthFile ? await readVolume(truthFile) : undefined;
      if (truth && truth.shape.slice(0, 3).join() !== p.mask.shape.join()) {
        throw new UsageError(`--truth ${truthFile}: grid ${truth.shape.join(' x ')} differs from the first image's ${p.mask.shape.join(' x ')}`);
      }
      writeOverlayPng(png, p, truth);
      written.push(png);
    }
    const l = p.lesions;
    log(
      `${path.basename(files[0])}: ${l.count} lesion${l.count === 1 ? '' : 's'}, ${l.volumeMm3.toFixed(1)} mm³ in all` +
        (l.count > 0 ? `, largest ${l.largestMm3.toFixed(1)} mm³ (${l.lesions[0].voxels} voxels)` : '') +
        `; grid ${p.mask.shape.join(' x ')} of ${path.basename(files[0])}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const f of written) log(`  ${f}`);
  } finally {
    spec.model.dispose();
  }
}
