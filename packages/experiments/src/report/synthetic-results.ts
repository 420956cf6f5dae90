import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AblationFlags, CaseResult, CellConfig, CellResult, DatasetName, LossName, ModelName, ProfileName } from '../results/result-schema';
import { mulberry32 } from '../stats/mulberry32';
import { PAPER_VIEWS } from '../paper/tables';

/**
 * Synthetic `CellResult`s covering every table of the paper, for tests and demos of the report (no training involved).
 * Per case the ground truth is fixed (volume, smoothness); A-FL gains most on small or irregular lesions; each seed adds
 * its own noise; the last case has an empty lesion mask (Dice, IoU, sensitivity and smoothness NaN); two extra cases are
 * in the `test` split. Each cell has a training curve over its epochs (loss falling, validation Dice rising towards the
 * cell's mean Dice, seed noise), its best epoch the one with the highest validation Dice.
 */
export interface SyntheticOptions {
  profile?: ProfileName;
  seeds?: number[];
  /** Validation cases per cell (the last one empty); default 12. */
  cases?: number;
}

export function syntheticCellId(c: CellConfig): string {
  const a = c.loss === 'afl' && c.ablation ? `-a${+c.ablation.useAlphaVa}${+c.ablation.useGammaVa}${+c.ablation.useGammaMSa}` : '';
  return `${c.profile}-${c.dataset}-${c.spatialDims}d-${c.model}-${c.loss}${a}-s${c.seed}`;
}

/** A small effect per baseline loss (0 for any other). */
const LOSS_EFFECT: Partial<Record<LossName, number>> = { focal: 0, afl: 0, tversky: 0.01, ce: -0.01, iou: 0.012, dice: 0.02, 'dice-ce': 0.022, 'dice-focal': 0.03 };
const MODEL_EFFECT: Record<ModelName, number> = { unet: -0.01, 'attention-unet': 0, regunet: -0.08, r2unet: -0.01, 'resnet50-unet': 0 };

/** The cells of a small grid that feeds Tables 1–5 and Figure 3 (without seeds). */
export function syntheticGrid(profile: ProfileName = 'quick'): Array<Omit<CellConfig, 'seed'>> {
  const out: Array<Omit<CellConfig, 'seed'>> = [];
  const cell = (dataset: DatasetName, model: ModelName, loss: LossName, tables: CellConfig['tables'], ablation?: AblationFlags) => {
    out.push({
      profile, dataset, model, spatialDims: 3, loss, protocol: 'paper', tables, ...(ablation ? { ablation } : {}),
      training: { epochs: 6, learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 1e-4, batchSize: 1, inputShape: [16, 32, 32], outChannels: 1, augment: false },
    });
  };
  cell('phantom-picai', 'resnet50-unet', 'focal', [1, 3, 4, 5, 'figure3']);
  cell('phantom-picai', 'resnet50-unet', 'afl', [1, 3, 4, 5, 'figure3']);
  for (const loss of PAPER_VIEWS[3].losses.filter((l) => l !== 'afl')) cell('phantom-picai', 'resnet50-unet', loss, [3]);
  for (const model of ['unet', 'attention-unet', 'regunet', 'r2unet'] as const) {
    cell('phantom-picai', model, 'focal', [4]);
    cell('phantom-picai', model, 'afl', [4]);
  }
  cell('phantom-brats', 'resnet50-unet', 'focal', [2, 5]);
  cell('phantom-brats', 'resnet50-unet', 'afl', [2, 5]);
  const partial: Array<[boolean, boolean, boolean]> = [[true, false, false], [true, true, false], [true, false, true], [false, true, true]];
  for (const dataset of ['phantom-picai', 'phantom-brats'] as const) {
    for (const [a, g, m] of partial) cell(dataset, 'resnet50-unet', 'afl', [5], { useAlphaVa: a, useGammaVa: g, useGammaMSa: m });
  }
  return out;
}

function aflEffect(c: Omit<CellConfig, 'seed'>, hard: boolean): number {
  if (c.loss !== 'afl') return 0;
  const a = c.ablation ?? { useAlphaVa: true, useGammaVa: true, useGammaMSa: true };
  const full = a.useAlphaVa && a.useGammaVa && a.useGammaMSa;
  const scale = full ? 1 : 0.25 * (+a.useAlphaVa + +a.useGammaVa + 1.5 * +a.useGammaMSa);
  return scale * (hard ? 0.08 : 0.01);
}

export function syntheticResults(options: SyntheticOptions = {}): CellResult[] {
  const seeds = options.seeds ?? [0, 1, 2];
  const nCases = options.cases ?? 12;
  const out: CellResult[] = [];
  for (const base of syntheticGrid(options.profile)) {
    for (const seed of seeds) {
      const config: CellConfig = { ...base, seed };
      const brats = base.dataset.endsWith('brats');
      const cases: CaseResult[] = [];
      const ids = [...Array.from({ length: nCases }, (_, i) => `case-${String(i).padStart(2, '0')}`), 'test-00', 'test-01'];
      ids.forEach((caseId, i) => {
        const split = caseId.startsWith('test') ? 'test' : 'val';
        const empty = split === 'val' && i === nCases - 1;
        const gt = mulberry32(1000 + i + (brats ? 500 : 0));
        const volume = empty ? 0 : Math.round(150 * Math.exp(3 * gt()));
        const smoothness = empty ? NaN : 0.35 + 0.3 * gt();
        const hard = volume < 900 || smoothness < 0.45;
        const noise = mulberry32(seed * 7919 + i * 104729 + base.loss.length * 31 + (base.ablation ? 17 : 0) + base.model.length * 3);
        const baseDice = (brats ? 0.8 : 0.55) + 0.25 * gt() + (hard ? -0.1 : 0);
        const dice = empty ? NaN : Math.min(0.99, baseDice + (LOSS_EFFECT[base.loss] ?? 0) + MODEL_EFFECT[base.model] + aflEffect(base, hard) + 0.02 * (noise() - 0.5));
        const iou = dice / (2 - dice);
        cases.push({
          caseId,
          split,
          dice,
          iou,
          sensitivity: empty ? NaN : Math.min(1, dice + 0.1),
          specificity: 0.99 - 0.01 * noise(),
          soft: { dice: empty ? 0.5 : 0.5 + dice / 2, iou: empty ? 0.5 : 0.5 + iou / 2, sensitivity: 0.9, specificity: 0.95 },
          hd95: empty ? NaN : 5 * (1 - dice),
          gammaVa: 1,
          gammaMSa: 1,
          lesionVolume: volume,
          smoothness,
        });
      });
      const valDices = cases.filter((k) => k.split === 'val' && Number.isFinite(k.dice)).map((k) => k.dice);
      const finalDice = valDices.reduce((a, b) => a + b, 0) / Math.max(1, valDices.length);
      const curveNoise = mulberry32(seed * 31 + base.loss.length * 7 + base.model.length * 13 + (base.ablation ? 5 : 0) + (brats ? 3 : 0));
      const lossScale = base.loss === 'focal' || base.loss === 'afl' ? 0.05 : 0.5;
      const curve = Array.from({ length: base.training.epochs }, (_, e) => ({
        epoch: e + 1,
        trainLoss: lossScale * Math.exp(-0.35 * e) * (1 + 0.1 * (curveNoise() - 0.5)),
        valDice: Math.max(0, finalDice * (1 - Math.exp(-0.7 * (e + 1))) + 0.04 * (curveNoise() - 0.5)),
        seconds: 1,
      }));
      const bestEpoch = curve.reduce((a, b) => (b.valDice > a.valDice ? b : a)).epoch;
      out.push({
        schemaVersion: 1,
        cellId: syntheticCellId(config),
        config,
        cases,
        curve,
        bestEpoch,
        timings: { totalSeconds: 1, meanStepMs: 1, steps: 10 },
        backend: 'synthetic',
        versions: {},
        gitCommit: null,
        finishedAt: '2026-01-01T00:00:00.000Z',
      });
    }
  }
  return out;
}

/** Writes results as `<dir>/cells/<cellId>.json` (NaN becomes null, as `JSON.stringify` writes it). */
export function writeSyntheticResults(dir: string, results: readonly CellResult[]): string[] {
  const cells = path.join(dir, 'cells');
  fs.mkdirSync(cells, { recursive: true });
  return results.map((r) => {
    const file = path.join(cells, `${r.cellId}.json`);
    fs.writeFileSync(file, JSON.stringify(r, null, 1));
    return file;
  });
}
