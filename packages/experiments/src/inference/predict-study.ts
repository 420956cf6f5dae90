import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  preprocessBratsCase,
  preprocessPicaiCase,
  readVolume,
  resampleToGrid,
  type PipelineName,
  type RawCase,
  type SegmentationCase,
  type Volume,
} from '@afl/datasets';
import { tumourProbabilities } from '../train/train-model';
import { slidingWindowInference } from './sliding-window';
import { checkStudyFiles, STUDY_CHANNELS, type StudyKind } from './study-files';
import { summarizeLesions, type LesionSummary } from './lesion-summary';

/** How a network was trained, as far as predicting a new study needs it. */
export interface StudyModel {
  model: LayersModel;
  /** The dataset whose sequences and preprocessing the model expects (a phantom cell stands for its real dataset). */
  dataset: StudyKind;
  /** The preprocessing pipeline of the training data. */
  pipeline: PipelineName;
  /** `[D, H, W]` the pipeline resizes a study to (the training crop). */
  outputShape: number[];
  /** Network input window: `[D, H, W]` (3-D) or `[H, W]` (2-D, predicted slice by slice). */
  roiSize: number[];
  /** PI-CAI: margin around the gland box, as in training (the profile's crop; default the paper's 30 voxels). */
  glandMargin?: number;
  /** A name for messages (the cell id). */
  label?: string;
}

/** Options of {@link predictStudy}. */
export interface PredictStudyOptions {
  /**
   * PI-CAI whole-gland mask on the T2W grid (e.g. picai_labels' AI masks). The paper's pipeline crops to its box + the
   * training margin (the paper's 30 voxels; the CPU profiles' 16), as in training; without it the whole field of view
   * is resized to the training crop.
   */
  gland?: string;
  /** Probability above which a voxel is lesion. Default 0.5. */
  threshold?: number;
  /** Sliding-window overlap. Default 0.25. */
  overlap?: number;
  /** Channels N4 corrects in the paper's PI-CAI pipeline. Default `['t2w']`. */
  n4Channels?: string[];
}

/** The prediction of one study, on the grid of its first image. */
export interface StudyPrediction {
  /** The first image (T2W for PI-CAI): the grid, affine and picture of the outputs. */
  reference: Volume;
  /** uint8 0/1 on the reference grid (`probabilities > threshold`). */
  mask: Volume;
  /** float32 lesion probabilities on the reference grid (0 outside the crop the network saw). */
  probabilities: Volume;
  /** The preprocessed grid the network ran on. */
  preprocessed: { shape: number[]; spacing: number[]; affine: number[][] };
  lesions: LesionSummary;
}

const FN = 'predictStudy';

function inputChannels(model: LayersModel): number {
  const shape = model.inputs[0]?.shape;
  const c = shape?.[shape.length - 1];
  if (typeof c !== 'number') throw new Error(`Error in ${FN}: cannot tell the model's number of input channels from its input shape [${shape?.join(', ')}].`);
  return c;
}

/** Runs the study's dataset pipeline, keeping the preprocessed grid's affine. */
export function preprocessStudy(spec: Pick<StudyModel, 'dataset' | 'pipeline' | 'outputShape' | 'glandMargin'>, raw: RawCase, n4Channels?: string[]): SegmentationCase {
  const options = {
    pipeline: spec.pipeline,
    outputShape: spec.outputShape,
    ...(n4Channels ? { n4Channels } : {}),
    ...(spec.glandMargin !== undefined ? { glandMargin: spec.glandMargin } : {}),
  };
  return spec.dataset === 'brats' ? preprocessBratsCase(raw, options) : preprocessPicaiCase(raw, options);
}

/**
 * Resamples values on a preprocessed grid (C-order `[D, H, W]`, e.g. probabilities or a mask) back onto the study's
 * own grid: every spatial step of the pipelines (resampling, resizes, crops) keeps the voxel-to-world affine, so the
 * inverse of all of them is one world-space resampling. Outside the preprocessed field of view the value is 0.
 */
export function toStudyGrid(
  values: Float32Array | Uint8Array,
  grid: { shape: readonly number[]; spacing: readonly number[]; affine?: number[][] },
  reference: Volume,
  mode: 'linear' | 'nearest' = 'linear',
): Volume {
  if (!grid.affine) throw new Error(`Error in toStudyGrid: the preprocessed case has no affine (preprocess it with @afl/datasets' pipelines).`);
  const [d, h, w] = grid.shape;
  if (values.length !== d * h * w) throw new Error(`Error in toStudyGrid: ${values.length} values do not fill the grid [${grid.shape.join(', ')}].`);
  const moving: Volume = {
    data: values instanceof Float32Array ? values : Float32Array.from(values),
    shape: [w, h, d],
    spacing: [grid.spacing[2], grid.spacing[1], grid.spacing[0]],
    affine: grid.affine,
    dtype: 'float32',
    source: '',
  };
  return resampleToGrid(moving, { shape: reference.shape.slice(0, 3), spacing: reference.spacing.slice(0, 3), affine: reference.affine }, { mode, fill: 0 });
}

async function predictProbabilities(spec: StudyModel, c: SegmentationCase, overlap: number): Promise<Float32Array> {
  const [D, H, W] = c.shape;
  const C = c.channels.length;
  const predict = (x: tf.Tensor) => spec.model.predict(x) as tf.Tensor;
  if (spec.roiSize.length === 3) {
    const image = tf.tensor5d(c.image, [1, D, H, W, C]);
    const logits = await slidingWindowInference(image, spec.roiSize, predict, { overlap });
    image.dispose();
    const p = tumourProbabilities(logits);
    logits.dispose();
    const data = (await p.data()) as Float32Array;
    p.dispose();
    return data;
  }
  const out = new Float32Array(D * H * W);
  for (let z = 0; z < D; z++) {
    const slice = tf.tensor4d(c.image.subarray(z * H * W * C, (z + 1) * H * W * C), [1, H, W, C]);
    const logits = await slidingWindowInference(slice, spec.roiSize, predict, { overlap });
    slice.dispose();
    const p = tumourProbabilities(logits);
    logits.dispose();
    out.set((await p.data()) as Float32Array, z * H * W);
    p.dispose();
  }
  return out;
}

/**
 * Segments a new study with a trained network: reads the image files (PI-CAI: T2W, ADC, HBV; BraTS: T1, T1ce, T2,
 * FLAIR; NIfTI or MetaImage), runs the preprocessing the network was trained with, predicts with sliding windows,
 * and maps the probabilities back onto the first image's grid through the inverse of every spatial step.
 *
 * Checks before computing: as many files as the model has input channels, in the dataset's order when the file names
 * name the sequences, and one patient (DICOM patient ID in MetaImage headers, else the file names).
 *
 * @example
 * ```ts
 * const cell = await loadStudyModel('results/quick/cells/<cell id>.json');
 * const p = await predictStudy(cell, ['case_t2w.mha', 'case_adc.mha', 'case_hbv.mha']);
 * await writeNifti('mask.nii.gz', p.mask, { dtype: 'uint8' });
 * console.log(p.lesions.count, p.lesions.volumeMm3);
 * ```
 */
export async function predictStudy(spec: StudyModel, files: readonly string[], options: PredictStudyOptions = {}): Promise<StudyPrediction> {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1)) throw new Error(`Error in ${FN}: threshold must be in (0, 1), got ${threshold}.`);
  if (files.length === 0) throw new Error(`Error in ${FN}: no image files given.`);
  const inChannels = inputChannels(spec.model);
  if (files.length !== inChannels) checkStudyFiles(FN, spec.dataset, files, [], inChannels);
  const volumes = await Promise.all(files.map((f) => readVolume(f)));
  checkStudyFiles(FN, spec.dataset, files, volumes, inChannels);
  const names = STUDY_CHANNELS[spec.dataset].length === inChannels ? [...STUDY_CHANNELS[spec.dataset]] : files.map((_, i) => `channel${i}`);
  const raw: RawCase = { id: files[0], channels: Object.fromEntries(names.map((n, i) => [n, volumes[i]])) };
  if (options.gland) {
    if (spec.dataset !== 'picai') throw new Error(`Error in ${FN}: a gland mask applies to PI-CAI studies only, got dataset ${spec.dataset}.`);
    raw.organ = await readVolume(options.gland);
  }
  const prepared = preprocessStudy(spec, raw, options.n4Channels);
  const probs = await predictProbabilities(spec, prepared, options.overlap ?? 0.25);
  const reference = volumes[0];
  const probabilities = toStudyGrid(probs, prepared, reference, 'linear');
  const maskData = new Uint8Array(probabilities.data.length);
  for (let i = 0; i < maskData.length; i++) maskData[i] = probabilities.data[i] > threshold ? 1 : 0;
  const mask: Volume = { ...probabilities, data: maskData, dtype: 'uint8' };
  return {
    reference,
    mask,
    probabilities,
    preprocessed: { shape: prepared.shape.slice(), spacing: prepared.spacing.slice(), affine: prepared.affine! },
    lesions: summarizeLesions(mask),
  };
}
