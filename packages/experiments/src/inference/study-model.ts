import { createModel } from '@afl/models';
import { PROFILES } from '../config';
import { paperDatasetOf } from '../results/result-schema';
import { readFinishedCell } from '../grid/finished-cell';
import { modelOptionsFor } from '../grid/model-options';
import { writeModelWeights } from '../train/model-weights';
import { readTensorFile } from '../train/tensor-file';
import type { StudyModel } from './predict-study';
import { STUDY_CHANNELS } from './study-files';

/**
 * The best checkpoint of a finished cell as a {@link StudyModel}: its network, and the dataset, pipeline and crop it
 * was trained with. A phantom cell stands for the dataset it imitates (`phantom-picai` → PI-CAI). Needs no data folder.
 */
export function loadStudyModel(cellFile: string): StudyModel {
  const fn = 'loadStudyModel';
  const { cell, bestCheckpoint: best } = readFinishedCell(cellFile, (m) => new Error(`Error in ${fn}: ${m}.`));
  const dataset = paperDatasetOf(cell.dataset);
  const profile = PROFILES[cell.profile];
  if (!profile) throw new Error(`Error in ${fn}: ${cellFile} names an unknown profile ${JSON.stringify(cell.profile)}.`);
  const model = createModel(cell.model, modelOptionsFor(cell, STUDY_CHANNELS[dataset].length, profile.modelSize));
  writeModelWeights(model, readTensorFile(best).arrays, best);
  return {
    model,
    dataset,
    pipeline: cell.protocol === 'authors-code' ? 'authors-code' : 'paper',
    outputShape: cell.spatialDims === 3 ? cell.training.inputShape.slice() : profile[dataset].inputShape.slice(),
    roiSize: cell.training.inputShape.slice(),
    ...(dataset === 'picai' && profile.picai.glandMargin !== undefined ? { glandMargin: profile.picai.glandMargin } : {}),
    label: cell.cellId,
  };
}
