import * as fs from 'fs';
import { createDataset, type Dataset, type SplitName } from '../dataset';
import { readVolume } from '../io/read-volume';
import type { RawCase } from '../preprocess/pipelines';
import type { SegmentationCase } from '../segmentation-case';
import type { Volume } from '../volume';
import { cacheKey, CaseDiskCache, defaultCacheDir } from './case-disk-cache';

/** A channel file, or one volume (`index`, slowest axis) of a 4-D file (MSD). */
export type ChannelFile = string | { file: string; index: number };

/** The files of one case, as a layout scanner finds them. */
export interface CaseFiles {
  id: string;
  /** Channel name -> file, in channel order. */
  channels: Record<string, ChannelFile>;
  /** Label file. */
  label?: string;
  /** Organ mask file (PI-CAI whole gland). */
  organ?: string;
  /** Expected channel / label files that do not exist (the case is skipped with this reason). */
  missing?: string[];
  /** Stratum for the split (e.g. case ISUP, HGG / LGG). */
  stratum?: string;
}

/** Options of {@link createFileDataset}. */
export interface FileDatasetOptions {
  name: string;
  channels: readonly string[];
  cases: readonly CaseFiles[];
  /** Turns the read volumes into a preprocessed case. */
  preprocess(raw: RawCase): SegmentationCase;
  /** Everything that changes the preprocessing output (goes into the cache key). */
  settings: unknown;
  splits: Partial<Record<SplitName, readonly string[]>>;
  /** Disk cache directory; `false` disables it. Default `$AFL_CACHE_DIR` or `<tmpdir>/afl-cache`. */
  cacheDir?: string | false;
  /** In-memory LRU size. Default 8. */
  cacheSize?: number;
  log?(line: string): void;
}

/** A file-backed dataset: {@link Dataset} plus `prepare()`, which preprocesses (and caches) every case up front. */
export interface FileDataset extends Dataset {
  /** Preprocesses every case into the disk cache, with a progress line per case; returns the ids that failed. */
  prepare(): Promise<{ id: string; reason: string }[]>;
  /** The scanned files per case. */
  readonly files: readonly CaseFiles[];
}

function channelPath(f: ChannelFile): string {
  return typeof f === 'string' ? f : f.file;
}

async function readChannel(f: ChannelFile, memo: Map<string, Volume>): Promise<Volume> {
  const file = channelPath(f);
  let v = memo.get(file);
  if (!v) {
    v = await readVolume(file);
    memo.set(file, v);
  }
  if (typeof f === 'string') return v;
  const [nx, ny, nz] = v.shape;
  const n = nx * ny * nz;
  const count = v.shape.slice(3).reduce((a, b) => a * b, 1);
  if (f.index >= count) throw new Error(`Error in readChannel: ${file} has ${count} volumes, got index ${f.index}.`);
  return { ...v, data: v.data.slice(f.index * n, (f.index + 1) * n), shape: [nx, ny, nz], spacing: v.spacing.slice(0, 3) };
}

/**
 * A {@link Dataset} over files on disk: each case is read with `readVolume`, preprocessed, and stored in a disk cache
 * keyed by its input files (path, size, mtime) and the settings. A case with a missing file or one the preprocessing
 * rejects (mismatched geometry) is reported, skipped and listed, never ending an epoch.
 */
export function createFileDataset(options: FileDatasetOptions): FileDataset {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const disk = options.cacheDir === false ? undefined : new CaseDiskCache(options.cacheDir ?? defaultCacheDir());
  const byId = new Map(options.cases.map((c) => [c.id, c]));
  let done = 0;
  const load = async (id: string): Promise<SegmentationCase> => {
    const files = byId.get(id);
    if (!files) throw new Error(`Error in ${options.name}: unknown case ${JSON.stringify(id)}.`);
    const missing = [...(files.missing ?? [])];
    const all = [...Object.values(files.channels).map(channelPath), ...(files.label ? [files.label] : []), ...(files.organ ? [files.organ] : [])];
    for (const f of all) if (!fs.existsSync(f) && !missing.includes(f)) missing.push(f);
    if (missing.length > 0) throw new Error(`missing file(s): ${missing.join(', ')}`);
    const key = disk ? cacheKey([...new Set(all)], { name: options.name, settings: options.settings, id }) : '';
    const hit = disk?.read(key);
    if (hit) return hit;
    const t0 = Date.now();
    const memo = new Map<string, Volume>();
    const channels: Record<string, Volume> = {};
    for (const [name, f] of Object.entries(files.channels)) channels[name] = await readChannel(f, memo);
    const raw: RawCase = {
      id,
      channels,
      label: files.label ? await readVolume(files.label) : undefined,
      organ: files.organ ? await readVolume(files.organ) : undefined,
    };
    const c = options.preprocess(raw);
    disk?.write(key, c);
    done++;
    log(`[${options.name}] preprocessed ${id} (${done} this run, ${options.cases.length} cases) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return c;
  };
  const ds = createDataset({
    name: options.name,
    channels: options.channels,
    caseIds: options.cases.map((c) => c.id),
    loadCase: load,
    splits: options.splits,
    cacheSize: options.cacheSize ?? 8,
    log,
  });
  return Object.assign(Object.create(ds) as Dataset, {
    files: options.cases,
    async prepare(): Promise<{ id: string; reason: string }[]> {
      const failed: { id: string; reason: string }[] = [];
      let k = 0;
      for (const c of options.cases) {
        k++;
        log(`[${options.name}] preparing ${k}/${options.cases.length} ${c.id}`);
        try {
          await load(c.id);
        } catch (e) {
          failed.push({ id: c.id, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      if (failed.length > 0) log(`[${options.name}] ${failed.length} case(s) could not be prepared: ${failed.map((f) => `${f.id} (${f.reason})`).join('; ')}`);
      return failed;
    },
  }) as FileDataset;
}
