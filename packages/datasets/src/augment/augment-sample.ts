/**
 * The voxels an augmentation works on: a channels-last interleaved image `[D, H, W, C]` and its binary mask
 * `[D, H, W]` (a {@link SegmentationCase} fits).
 */
export interface AugmentSample {
  shape: [number, number, number];
  channels: readonly string[] | number;
  image: Float32Array;
  mask: Uint8Array;
  /** Optional multi-class labels, transformed like the mask (nearest). */
  labels?: Uint8Array;
}

/** Channel count of a sample. */
export function channelCount(s: Pick<AugmentSample, 'channels'>): number {
  return typeof s.channels === 'number' ? s.channels : s.channels.length;
}

/** Checks that a sample's arrays match its shape; returns the channel count. */
export function checkSample(fn: string, s: AugmentSample): number {
  const C = channelCount(s);
  const n = s.shape[0] * s.shape[1] * s.shape[2];
  if (s.image.length !== n * C || s.mask.length !== n || (s.labels && s.labels.length !== n)) {
    throw new Error(
      `Error in ${fn}: image must hold D*H*W*C = ${n * C} and mask D*H*W = ${n} values for shape [${s.shape.join(', ')}] and ${C} channels, got ${s.image.length} and ${s.mask.length}.`,
    );
  }
  return C;
}
