import type * as tf from '@tensorflow/tfjs-core';
import { augmentCase, type AugmentOptions } from './augment/augment-case';
import { createRng, deriveSeed, shuffled } from './random';
import type { SegmentationCase } from './segmentation-case';
import { casesToTensors, slicesToTensors, type BatchItem } from './to-tensor';

/** Split names. */
export type SplitName = 'train' | 'val' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

/** Options of {@link Dataset.batches}. */
export interface BatchOptions {
  /** Cases (3-D) or slices (2-D) per batch. Default 1 (the paper). */
  batchSize?: number;
  /** Shuffle the order. Default false. */
  shuffle?: boolean;
  /** Seed of the order and of augmentation; use e.g. `runSeed + epoch` to vary it per epoch. Default 0. */
  seed?: number;
  /** Augment each sample (`true` = the paper's defaults). Default false. */
  augment?: boolean | AugmentOptions;
  /** `'3d'` (default): `[B, D, H, W, C]`; `'2d'`: axial slices `[B, H, W, C]`. */
  mode?: '3d' | '2d';
  /** 2-D only: `'all'` slices (default) or only slices whose mask has foreground. */
  slices?: 'all' | 'foreground';
  /** Drop a last, smaller batch. Default false. */
  dropRemainder?: boolean;
}

/**
 * One batch. **The consumer owns the tensors and must dispose them** (`tf.dispose([batch.image, batch.mask])`) once
 * the step is done; the iterator never touches a batch again after yielding it.
 */
export interface Batch<T extends tf.Tensor = tf.Tensor5D> {
  /** Channels-last float32 image, `[B, D, H, W, C]` (3-D) or `[B, H, W, C]` (2-D). */
  image: T;
  /** Float32 0/1 mask, `[B, D, H, W, 1]` or `[B, H, W, 1]`. */
  mask: T;
  /** Case of each batch row. */
  caseIds: string[];
  /** The case id when the batch holds one row. */
  caseId?: string;
  /** 2-D: slice index (along D) of each row. */
  slices?: number[];
}

/** A case that could not be loaded, and why. */
export interface SkippedCase {
  id: string;
  reason: string;
}

/**
 * A segmentation dataset the trainer consumes: named cases, seeded stable splits and a batch iterator.
 *
 * @example
 * ```ts
 * const ds = createPhantomDataset({ kind: 'prostate', cases: 40, seed: 1 });
 * for await (const b of ds.split('train').batches({ batchSize: 2, shuffle: true, seed: epoch, augment: true })) {
 *   // b.image: [2, 24, 160, 128, 3], b.mask: [2, 24, 160, 128, 1]
 *   tf.dispose([b.image, b.mask]);
 * }
 * ```
 */
export interface Dataset {
  readonly name: string;
  /** Channel names of the image's last axis. */
  readonly channels: readonly string[];
  /** Case ids in this dataset (or split), in a stable order. */
  readonly caseIds: readonly string[];
  readonly size: number;
  /** Loads one case (cached; the returned arrays must not be modified). */
  getCase(id: string): Promise<SegmentationCase>;
  /** The cases of one split, as a dataset. */
  split(name: SplitName): Dataset;
  /** Iterates batches once (one epoch). */
  batches(options?: BatchOptions & { mode?: '3d' }): AsyncIterable<Batch<tf.Tensor5D>>;
  batches(options: BatchOptions & { mode: '2d' }): AsyncIterable<Batch<tf.Tensor4D>>;
  /** Cases skipped so far (missing modality, mismatched geometry, unreadable file), shared by all splits. */
  readonly skipped: readonly SkippedCase[];
}

/** Options of {@link createDataset}. */
export interface CreateDatasetOptions {
  name: string;
  channels: readonly string[];
  caseIds: readonly string[];
  /** Loads (generates, reads and preprocesses) one case. A throw skips the case (see {@link Dataset.skipped}). */
  loadCase(id: string): Promise<SegmentationCase> | SegmentationCase;
  /** Case ids per split. Default: every case in `train`. */
  splits?: Partial<Record<SplitName, readonly string[]>>;
  /** Cases kept in memory (LRU). Default 32. */
  cacheSize?: number;
  /** Called once per skipped case. Default: a line through `log`. */
  onSkip?(skipped: SkippedCase): void;
  /** Progress and skip lines. Default: stderr. */
  log?(line: string): void;
}

/**
 * Seeded split of `ids` into train / val / test: counts (integers) or fractions of the total (the rest goes to
 * train). Same ids and seed give the same split; the ids are sorted first so their input order does not matter.
 */
export function splitIds(ids: readonly string[], seed: number, sizes: { val: number; test?: number }): Record<SplitName, string[]> {
  const n = ids.length;
  const count = (v: number | undefined): number => (v === undefined ? 0 : v < 1 && v > 0 ? Math.round(v * n) : Math.round(v));
  const nVal = count(sizes.val);
  const nTest = count(sizes.test);
  if (nVal < 0 || nTest < 0 || nVal + nTest > n) {
    throw new Error(`Error in splitIds: val + test must fit in ${n} cases, got val ${nVal}, test ${nTest}.`);
  }
  const order = shuffled([...ids].sort(), createRng(deriveSeed(seed, 'split')));
  const val = order.slice(0, nVal).sort();
  const test = order.slice(nVal, nVal + nTest).sort();
  const train = order.slice(nVal + nTest).sort();
  return { train, val, test };
}

class CaseCache {
  private readonly map = new Map<string, Promise<SegmentationCase>>();
  constructor(private readonly limit: number) {}
  get(id: string, load: () => Promise<SegmentationCase>): Promise<SegmentationCase> {
    const hit = this.map.get(id);
    if (hit) {
      this.map.delete(id);
      this.map.set(id, hit);
      return hit;
    }
    const p = load();
    if (this.limit > 0) {
      this.map.set(id, p);
      p.catch(() => this.map.delete(id));
      while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
    }
    return p;
  }
}

interface Shared {
  options: CreateDatasetOptions;
  cache: CaseCache;
  skipped: SkippedCase[];
  splits: Record<SplitName, readonly string[]>;
}

class CaseDataset implements Dataset {
  constructor(
    private readonly shared: Shared,
    readonly name: string,
    readonly caseIds: readonly string[],
  ) {}

  get channels(): readonly string[] {
    return this.shared.options.channels;
  }
  get size(): number {
    return this.caseIds.length;
  }
  get skipped(): readonly SkippedCase[] {
    return this.shared.skipped;
  }

  private log(line: string): void {
    (this.shared.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  /** One line listing the cases of `ids` skipped so far, or nothing. */
  private summarize(ids: readonly string[]): void {
    const skipped = this.shared.skipped.filter((s) => ids.includes(s.id));
    if (skipped.length > 0) this.log(`[${this.name}] ${skipped.length} case(s) skipped this epoch: ${skipped.map((s) => s.id).join(', ')}`);
  }

  getCase(id: string): Promise<SegmentationCase> {
    return this.shared.cache.get(id, async () => this.shared.options.loadCase(id));
  }

  split(name: SplitName): Dataset {
    if (!SPLIT_NAMES.includes(name)) {
      throw new Error(`Error in Dataset.split: name must be 'train', 'val' or 'test', got ${JSON.stringify(name)}.`);
    }
    return new CaseDataset(this.shared, `${this.shared.options.name}/${name}`, this.shared.splits[name].filter((id) => this.caseIds.includes(id)));
  }

  private async tryCase(id: string): Promise<SegmentationCase | undefined> {
    try {
      return await this.getCase(id);
    } catch (e) {
      if (!this.shared.skipped.some((s) => s.id === id)) {
        const s = { id, reason: e instanceof Error ? e.message : String(e) };
        this.shared.skipped.push(s);
        if (this.shared.options.onSkip) this.shared.options.onSkip(s);
        else this.log(`[${this.shared.options.name}] skipped case ${s.id}: ${s.reason}`);
      }
      return undefined;
    }
  }

  batches(options?: BatchOptions & { mode?: '3d' }): AsyncIterable<Batch<tf.Tensor5D>>;
  batches(options: BatchOptions & { mode: '2d' }): AsyncIterable<Batch<tf.Tensor4D>>;
  batches(options: BatchOptions = {}): AsyncIterable<Batch<tf.Tensor5D>> | AsyncIterable<Batch<tf.Tensor4D>> {
    const fn = 'Dataset.batches';
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Error in ${fn}: batchSize must be a positive integer, got ${batchSize}.`);
    const mode = options.mode ?? '3d';
    if (mode !== '3d' && mode !== '2d') throw new Error(`Error in ${fn}: mode must be '3d' or '2d', got ${JSON.stringify(mode)}.`);
    const seed = options.seed ?? 0;
    const augment = options.augment === true ? {} : options.augment || undefined;
    const ids = options.shuffle ? shuffled(this.caseIds, createRng(deriveSeed(seed, 'shuffle'))) : this.caseIds.slice();
    const self = this;
    const prepare = async (id: string, position: number): Promise<SegmentationCase | undefined> => {
      const c = await self.tryCase(id);
      if (!c) return undefined;
      return augment ? augmentCase(c, deriveSeed(seed, 'augment', position, id), augment) : c;
    };
    async function* gen3d(): AsyncGenerator<Batch<tf.Tensor5D>> {
      let pending: SegmentationCase[] = [];
      const emit = (): Batch<tf.Tensor5D> => {
        const t = casesToTensors(pending);
        const caseIds = pending.map((c) => c.id);
        pending = [];
        return { ...t, caseIds, ...(caseIds.length === 1 ? { caseId: caseIds[0] } : {}) };
      };
      for (let i = 0; i < ids.length; i++) {
        const c = await prepare(ids[i], i);
        if (!c) continue;
        pending.push(c);
        if (pending.length === batchSize) yield emit();
      }
      if (pending.length > 0 && !options.dropRemainder) yield emit();
      self.summarize(ids);
    }
    async function* gen2d(): AsyncGenerator<Batch<tf.Tensor4D>> {
      let pending: BatchItem[] = [];
      const emit = (): Batch<tf.Tensor4D> => {
        const t = slicesToTensors(pending);
        const caseIds = pending.map((p) => p.case.id);
        const slices = pending.map((p) => p.slice ?? 0);
        pending = [];
        return { ...t, caseIds, slices, ...(caseIds.length === 1 ? { caseId: caseIds[0] } : {}) };
      };
      for (let i = 0; i < ids.length; i++) {
        const c = await prepare(ids[i], i);
        if (!c) continue;
        const [D, H, W] = c.shape;
        let slices = Array.from({ length: D }, (_, d) => d);
        if (options.slices === 'foreground') {
          slices = slices.filter((d) => {
            for (let k = d * H * W; k < (d + 1) * H * W; k++) if (c.mask[k]) return true;
            return false;
          });
        }
        if (options.shuffle) slices = shuffled(slices, createRng(deriveSeed(seed, 'slices', i, c.id)));
        for (const s of slices) {
          pending.push({ case: c, slice: s });
          if (pending.length === batchSize) yield emit();
        }
      }
      if (pending.length > 0 && !options.dropRemainder) yield emit();
      self.summarize(ids);
    }
    return mode === '2d' ? { [Symbol.asyncIterator]: gen2d } : { [Symbol.asyncIterator]: gen3d };
  }
}

/**
 * A {@link Dataset} over any case loader: phantom generators and the PI-CAI / BraTS sources build on it. Cases load
 * lazily, one at a time, and are kept in a small LRU cache; a case whose loader throws is reported once (`onSkip`),
 * listed in `skipped`, and left out of the batches instead of ending the epoch.
 */
export function createDataset(options: CreateDatasetOptions): Dataset {
  const ids = [...options.caseIds];
  if (new Set(ids).size !== ids.length) throw new Error(`Error in createDataset: case ids must be unique, got ${ids.length} ids with duplicates.`);
  const splits: Record<SplitName, readonly string[]> = {
    train: options.splits?.train ?? (options.splits ? [] : ids),
    val: options.splits?.val ?? [],
    test: options.splits?.test ?? [],
  };
  for (const name of SPLIT_NAMES) {
    const unknown = splits[name].find((id) => !ids.includes(id));
    if (unknown !== undefined) throw new Error(`Error in createDataset: split '${name}' names case ${JSON.stringify(unknown)}, which is not in caseIds.`);
  }
  const shared: Shared = { options, cache: new CaseCache(options.cacheSize ?? 32), skipped: [], splits };
  return new CaseDataset(shared, options.name, ids);
}
