import type { Volume } from '../volume';
import { cropToMask } from '../preprocess/crop-to-mask';
import { resampleToSpacing } from '../preprocess/resample-to-spacing';
import { resizeVolume } from '../preprocess/resize';

/** Options of {@link paperCropMask}. */
export interface PaperCropMaskOptions {
  /** Spacing to resample to first, file order (default `[0.5, 0.5, 3.0]`). */
  spacing?: readonly number[];
  /** Intermediate resize, `[D, H, W]` (default `[30, 256, 256]`). */
  intermediate?: readonly number[];
  /** Margin around the gland box, voxels per side, file order (default `[30, 30, 30]`, clipped to the grid). */
  margin?: number | readonly number[];
  /** Final size `[D, H, W]` (default `[24, 160, 128]`). */
  dhw?: readonly number[];
}

/**
 * A lesion mask as the paper's PI-CAI pipeline (section 4.2) hands it to the loss: resample to 3.0 x 0.5 x 0.5 mm,
 * resize to 30 x 256 x 256, crop to the whole-gland bounding box + 30 voxels, resize to 24 x 160 x 128 (nearest
 * throughout). Returns the binary C-order `[D, H, W]` mask (`Uint8Array`, any non-zero label = 1).
 */
export function paperCropMask(lesion: Volume, gland: Volume, options: PaperCropMaskOptions = {}): Uint8Array {
  const spacing = options.spacing ?? [0.5, 0.5, 3.0];
  const mid = options.intermediate ?? [30, 256, 256];
  const dhw = options.dhw ?? [24, 160, 128];
  const l = resizeVolume(resampleToSpacing(lesion, spacing, { mode: 'nearest' }), mid, 'nearest');
  const g = resizeVolume(resampleToSpacing(gland, spacing, { mode: 'nearest' }), mid, 'nearest');
  const cropped = cropToMask([l], g, { margin: options.margin ?? 30 }).volumes[0];
  const out = resizeVolume(cropped, dhw, 'nearest');
  const m = new Uint8Array(out.data.length);
  for (let i = 0; i < m.length; i++) m[i] = out.data[i] !== 0 ? 1 : 0;
  return m;
}
