import * as path from 'node:path';
import { writeOverlay } from '../report/render-overlay';
import type { StudyPrediction } from '../inference/predict-study';

/** Writes the study's first image with the predicted lesion contours (the slices with most lesion) as PNG. */
export function writeOverlayPng(file: string, p: StudyPrediction, truth?: { data: ArrayLike<number> }): number {
  const [nx, ny, nz] = p.reference.shape;
  const shape = [nz, ny, nx];
  return writeOverlay(file, { data: p.reference.data, shape }, {
    prediction: { data: p.mask.data, shape },
    ...(truth ? { truth: { data: truth.data, shape } } : {}),
    title: path.basename(p.reference.source || 'study').replace(/\.(nii\.gz|nii|mha|mhd)$/i, '').toUpperCase(),
  });
}
