import * as path from 'node:path';
import { BRAIN_CHANNELS, PROSTATE_CHANNELS, type Volume } from '@afl/datasets';

/** The image channels, in input order, of the datasets a cell can stand for (the phantoms' channels are the real ones). */
export const STUDY_CHANNELS = { picai: PROSTATE_CHANNELS, brats: BRAIN_CHANNELS } as const;

export type StudyKind = keyof typeof STUDY_CHANNELS;

const MODALITY_SUFFIX = /[_-](t2w|adc|hbv|t1|t1ce|t1gd|t1c|t2|flair|seg)$/i;
const PATIENT_ID_TAG = '0010|0020';

/** A file name without folders and image extensions (`.nii.gz`, `.nii`, `.mha`, `.mhd`). */
export function fileStem(file: string): string {
  return path.basename(file).replace(/\.(nii\.gz|nii|mha|mhd)$/i, '');
}

/** `ProstateX-0000_07-07-2011_t2w.mha` → `{ stem: 'ProstateX-0000_07-07-2011', modality: 't2w' }`; no suffix → undefined. */
export function splitModality(file: string): { stem: string; modality: string } | undefined {
  const stem = fileStem(file);
  const m = MODALITY_SUFFIX.exec(stem);
  return m ? { stem: stem.slice(0, m.index), modality: m[1].toLowerCase() } : undefined;
}

const ALIASES: Record<string, string> = { t1gd: 't1ce', t1c: 't1ce' };

/**
 * Checks that the files of one study go together before anything is computed: as many files as the model has input
 * channels, in the dataset's channel order when their names say which sequence they hold, and of one patient (the
 * DICOM patient ID of MetaImage headers, else the PI-CAI / BraTS file-name stem before the sequence suffix).
 */
export function checkStudyFiles(fn: string, kind: StudyKind, files: readonly string[], volumes: readonly Volume[], inChannels: number): void {
  const expected = STUDY_CHANNELS[kind];
  if (files.length !== inChannels) {
    const want = inChannels === expected.length ? `${inChannels} (${expected.join(', ')})` : `${inChannels}`;
    throw new Error(`Error in ${fn}: the model expects ${want} image files, one per input channel, got ${files.length}: ${files.map((f) => path.basename(f)).join(', ')}.`);
  }
  const named = files.map(splitModality);
  if (named.every((n) => n !== undefined) && inChannels === expected.length) {
    const got = named.map((n) => ALIASES[n!.modality] ?? n!.modality);
    if (got.join() !== expected.join()) {
      throw new Error(`Error in ${fn}: the files must be the ${kind === 'picai' ? 'PI-CAI' : 'BraTS'} sequences in the order ${expected.join(', ')}, got ${got.join(', ')} (from the file names).`);
    }
  }
  const ids = volumes.map((v) => v.tags?.[PATIENT_ID_TAG]?.trim());
  const withId = ids.map((id, i) => ({ id, file: files[i] })).filter((x) => x.id);
  if (withId.some((x) => x.id !== withId[0].id)) {
    throw new Error(`Error in ${fn}: the files are of different patients (DICOM patient ID): ${withId.map((x) => `${path.basename(x.file)}: ${x.id}`).join(', ')}.`);
  }
  const stems = named.filter((n) => n !== undefined).map((n) => n!.stem);
  if (withId.length < 2 && stems.length === files.length && stems.some((s) => s !== stems[0])) {
    throw new Error(`Error in ${fn}: the files are of different studies (file names ${stems.map((s) => JSON.stringify(s)).join(', ')} before the sequence suffix).`);
  }
}
