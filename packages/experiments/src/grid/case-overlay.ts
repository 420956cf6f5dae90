import type { EvaluatedCase } from '../inference/evaluate-cases';
import type { CellConfig } from '../results/result-schema';
import { LOSS_LABELS } from '../paper/tables';
import { overlaySlices, writeOverlay } from '../report/render-overlay';
import { overlayFile } from '../report/table-gallery';

/** The loss of a cell in the overlay font's characters (upper case, ASCII): `A-FL`, `FL`, `A-FL (ALPHA_VA+GAMMA_VA)`. */
export function overlayLossLabel(config: Pick<CellConfig, 'loss' | 'ablation'>): string {
  const a = config.ablation;
  if (config.loss !== 'afl' || !a || (a.useAlphaVa && a.useGammaVa && a.useGammaMSa)) return LOSS_LABELS[config.loss];
  const on = [a.useAlphaVa && 'ALPHA_VA', a.useGammaVa && 'GAMMA_VA', a.useGammaMSa && 'GAMMA_MSA'].filter(Boolean);
  return `A-FL (${on.length ? on.join('+') : 'NONE'})`;
}

/**
 * Draws one evaluated case ({@link renderOverlay}: the first image channel, T2W for PI-CAI and the first sequence
 * for BraTS, with the ground truth's and the prediction's (p > 0.5) contours) into
 * `<outDir>/overlays/<cellId>/<caseId>.png`. The slices are the 3 axial ones with the most ground-truth lesion, so
 * that every cell shows the same slices of a case (by truth ∪ prediction when the truth is empty). Reads the image
 * asynchronously; the mask and probabilities come already read. Returns the file.
 */
export async function writeCaseOverlay(outDir: string, cell: CellConfig & { cellId: string }, evaluated: EvaluatedCase, options: { slices?: number } = {}): Promise<string> {
  const { image, maskData: truth, probabilityData: probs, result } = evaluated;
  const spatial = image.shape.slice(1, -1);
  const channels = image.shape[image.shape.length - 1];
  const shape = spatial.length === 3 ? spatial : [1, ...spatial];
  const n = shape[0] * shape[1] * shape[2];
  const pixels = await image.data();
  const first = new Float32Array(n);
  for (let i = 0; i < n; i++) first[i] = pixels[i * channels];
  const prediction = new Uint8Array(n);
  for (let i = 0; i < n; i++) prediction[i] = probs[i] > 0.5 ? 1 : 0;
  const count = options.slices ?? 3;
  const hasTruth = Array.prototype.some.call(truth, (v: number) => v > 0.5);
  const slices = overlaySlices(shape, count, hasTruth ? [truth] : [truth, prediction]);
  const file = overlayFile(outDir, cell.cellId, result.caseId);
  const dice = Number.isFinite(result.dice) ? result.dice.toFixed(3) : 'N/A';
  writeOverlay(file, { data: first, shape }, {
    truth: { data: truth, shape },
    prediction: { data: prediction, shape },
    slices,
    title: `${overlayLossLabel(cell)}  ${cell.model}  ${result.caseId}  DICE ${dice}`,
  });
  return file;
}
