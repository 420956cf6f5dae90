// bench/read: decode speed and peak memory of readVolume/readVolumeSync on the shared .nii.gz and .mha files,
// against a plain zlib.gunzipSync / inflateSync of the same bytes in the same run.
// Targets: reader >= 0.9x zlib's MB/s; peak extra memory <= 2x the decoded size. Not run in CI.
// Run: npm run bench:read   (the data folder: $AFL_SHARED_DIR/data, else ../shared/data beside the repository; AFL_BENCH_REPS the rounds, default 7)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { sharedPath } from '@afl/core/testing';
import { readVolume, readVolumeSync } from '@afl/datasets';

const DATA = sharedPath('data');
const REPS = Number(process.env.AFL_BENCH_REPS ?? 7);

const FILES = [
  'brats/brats2015_deepmedic/brats_2013_pat0004_1/Flair_subtrMeanDivStd.nii.gz', // float32, 240x240x155
  'brats/brats2015_deepmedic/brats_2013_pat0004_1/brainmask.nii.gz', // int32 + scl_slope/scl_inter
  'picai-labels/lesion_human_expert_resampled/10074_1000074.nii.gz', // uint16, 1024x1024x27
  'picai-labels/whole_gland_AI_Bosma22b/10074_1000074.nii.gz', // uint8, 1024x1024x27
  'picai-labels/lesion_human_expert_resampled/10542_1000553.nii.gz', // float64, 1024x1024x27
  'formats/nifti-reader-js/avg152T1_LR_nifti.nii.gz', // big-endian uint8
  'picai-images/ProstateX-0000_07-07-2011_t2w.mha', // uint16, zlib
  'formats/elastix/3DCT_lung_baseline_small.mha', // int16, zlib
];

/** The compressed payload and plain-zlib decoder of a file. */
function plainZlib(file: string): { bytes: Buffer; decode: () => Buffer } {
  const bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return { bytes, decode: () => zlib.gunzipSync(bytes) };
  const at = bytes.indexOf('ElementDataFile');
  const payload = bytes.subarray(bytes.indexOf(0x0a, at) + 1);
  return { bytes: payload, decode: () => zlib.inflateSync(payload) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function timeMsAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function procStatus(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Child mode: peak RSS growth while decoding one file once (fresh process, peak counter reset first). */
function child(mode: string, file: string): void {
  const { decode } = plainZlib(file);
  // Warm up on another small file so lazy module loads and JIT do not count, then reset the peak counter.
  readVolumeSync(path.join(DATA, 'formats/nifti-reader-js/5D_small.nii'));
  readVolumeSync(path.join(DATA, 'formats/elastix/fixed.mhd'));
  global.gc?.();
  fs.writeFileSync('/proc/self/clear_refs', '5'); // reset VmHWM (peak RSS) to the current RSS
  const base = procStatus('VmRSS');
  let decoded = 0;
  if (mode === 'reader') decoded = readVolumeSync(file).data.byteLength;
  else decoded = decode().length;
  const peak = procStatus('VmHWM');
  process.stdout.write(JSON.stringify({ extra: peak - base, decoded }));
}

function peakMemory(mode: string, file: string): { extra: number; decoded: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--child', mode, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Error in bench:read: child failed for ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { extra: number; decoded: number };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DATA, 'manifest.json'))) {
    console.log(`bench:read: shared data not found at ${DATA} (set AFL_SHARED_DIR); nothing to do.`);
    return;
  }
  console.log(`bench:read on ${process.version}, median of ${REPS} rounds of ~50 ms, data ${DATA}\n`);
  const header = ['file', 'decoded MB', 'zlib MB/s', 'readVolumeSync MB/s', 'ratio', 'readVolume MB/s', 'ratio', 'peak/decoded (reader)', 'peak/decoded (zlib)'];
  const rows: string[][] = [];
  let worstRatio = Infinity;
  let worstPeak = 0;
  for (const rel of FILES) {
    const file = path.join(DATA, rel);
    if (!fs.existsSync(file)) continue;
    const { decode } = plainZlib(file);
    const mb = decode().length / 1e6; // size of the decompressed payload
    // Warm up, then size rounds to ~50 ms so small files are not dominated by timer noise.
    for (let w = 0; w < 3; w++) {
      decode();
      readVolumeSync(file);
      await readVolume(file);
    }
    const calls = Math.max(1, Math.round(50 / Math.max(0.05, timeMs(() => readVolumeSync(file)))));
    const zlibMs: number[] = [];
    const syncMs: number[] = [];
    const asyncMs: number[] = [];
    for (let r = 0; r < REPS; r++) {
      zlibMs.push(timeMs(() => {
        for (let c = 0; c < calls; c++) decode();
      }) / calls);
      syncMs.push(timeMs(() => {
        for (let c = 0; c < calls; c++) readVolumeSync(file);
      }) / calls);
      asyncMs.push((await timeMsAsync(async () => {
        for (let c = 0; c < calls; c++) await readVolume(file);
      })) / calls);
    }
    const zlibRate = mb / (median(zlibMs) / 1000);
    const syncRate = mb / (median(syncMs) / 1000);
    const asyncRate = mb / (median(asyncMs) / 1000);
    const memReader = peakMemory('reader', file);
    const memZlib = peakMemory('zlib', file);
    const peakRatio = memReader.extra / memReader.decoded;
    worstRatio = Math.min(worstRatio, syncRate / zlibRate, asyncRate / zlibRate);
    worstPeak = Math.max(worstPeak, peakRatio);
    rows.push([
      path.basename(rel.replace(/\/[^/]*$/, '')) + '/' + path.basename(rel),
      mb.toFixed(1),
      zlibRate.toFixed(0),
      syncRate.toFixed(0),
      (syncRate / zlibRate).toFixed(2),
      asyncRate.toFixed(0),
      (asyncRate / zlibRate).toFixed(2),
      peakRatio.toFixed(2),
      (memZlib.extra / memZlib.decoded).toFixed(2),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`\nworst speed ratio vs zlib: ${worstRatio.toFixed(2)} (target >= 0.9); worst peak memory / decoded size: ${worstPeak.toFixed(2)} (target <= 2)`);
  console.log('MB/s = decompressed payload MB per second; the reader times include reading the file, zlib times do not.');
  console.log('peak = growth of peak RSS while decoding once in a fresh process; decoded = bytes of the returned voxel array.');
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4]);
else void main();
