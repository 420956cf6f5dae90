import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeNifti } from '@afl/datasets';
import { evaluateCases } from '../inference/evaluate-cases';
import { slidingWindowInference } from '../inference/sliding-window';
import { tumourProbabilities } from '../train/train-model';
import { writeFileAtomic } from '../train/atomic-write';
import type { LoadedCell } from './cell-model';

/** Scores a loaded cell's best checkpoint on a split and writes `<out>/eval-<cellId>-<split>.json`. */
export async function evaluateLoadedCell(loaded: LoadedCell, split: 'val' | 'test', outDir: string): Promise<{ file: string; meanDice: number; cases: number }> {
  const cases = await evaluateCases(loaded.model, loaded.data.dataset, split, { roiSize: loaded.cell.training.inputShape, spacing: loaded.data.spacing });
  const valid = cases.filter((c) => !Number.isNaN(c.dice));
  const meanDice = valid.reduce((s, c) => s + c.dice, 0) / Math.max(valid.length, 1);
  const file = path.join(outDir, `eval-${loaded.cell.cellId}-${split}.json`);
  writeFileAtomic(file, `${JSON.stringify({ cellId: loaded.cell.cellId, split, meanDice, cases }, null, 1)}\n`);
  return { file, meanDice, cases: cases.length };
}

/**
 * Predicts one case of the cell's dataset with sliding windows and writes the binary mask (`p > 0.5`) as `.nii.gz`:
 * the C-order `[D, H, W]` prediction is NIfTI's `(x, y, z) = (W, H, D)` with the case's voxel size.
 */
export async function predictCase(loaded: LoadedCell, caseId: string, file: string): Promise<{ file: string; voxels: number }> {
  let found: { image: tf.Tensor; spacing?: number[] } | null = null;
  for (const split of ['val', 'test', 'train'] as const) {
    for await (const b of loaded.data.dataset.split(split).batches({ batchSize: 1, shuffle: false, seed: 0, augment: false })) {
      if (b.caseIds[0] === caseId && !found) found = { image: b.image };
      else b.image.dispose();
      b.mask.dispose();
    }
    if (found) break;
  }
  if (!found) throw new Error(`Error in predictCase: case ${JSON.stringify(caseId)} is not in the dataset of cell ${loaded.cell.cellId}.`);
  const image = found.image;
  const mask = tf.tidy(() => {
    const logits = slidingWindowInference(image, loaded.cell.training.inputShape, (w) => loaded.model.predict(w) as tf.Tensor);
    return tf.cast(tf.greater(tumourProbabilities(logits), 0.5), 'float32');
  });
  const spatial = mask.shape.slice(1, -1);
  const data = Float32Array.from(mask.dataSync());
  tf.dispose([image, mask]);
  const spacing = loaded.data.spacing ?? spatial.map(() => 1);
  const shape = [...spatial].reverse();
  const sp = [...spacing].reverse();
  while (shape.length < 3) {
    shape.push(1);
    sp.push(1);
  }
  const affine = [
    [sp[0], 0, 0, 0],
    [0, sp[1], 0, 0],
    [0, 0, sp[2], 0],
    [0, 0, 0, 1],
  ];
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  await writeNifti(file, { data, shape, affine, spacing: sp }, { dtype: 'uint8', description: `afl ${loaded.cell.cellId}` });
  return { file, voxels: data.reduce((s, v) => s + v, 0) };
}
