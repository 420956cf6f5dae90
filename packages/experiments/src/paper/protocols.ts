import type { ProtocolName } from '../results/result-schema';

/** Training settings of a protocol. */
export interface ProtocolSpec {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  epochs: number;
  /** 1: one sigmoid map; 2: background + tumour, as in the authors' code. */
  outChannels: 1 | 2;
  augment: boolean;
}

/**
 * The paper (section 4.3) and its authors' published code disagree; both are reproducible by name.
 * - `paper`: SGD lr 0.01, momentum 0.9, weight decay 1e-4, 300 epochs, batch 1.
 * - `authors-code`: lr 0.1, Nesterov, weight decay 1e-5, 200 epochs, 2-channel output with A-FL's
 *   `'authors-code'` weighting.
 */
export const PROTOCOLS: Record<ProtocolName, ProtocolSpec> = {
  paper: { learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 1e-4, epochs: 300, outChannels: 1, augment: true },
  'authors-code': { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-5, epochs: 200, outChannels: 2, augment: true },
};

/** The paper's network inputs `[D, H, W]` (section 4.2) and its case counts (train / validation). */
export const PAPER_DATA = {
  picai: { inputShape: [24, 160, 128], cases: { train: 180, val: 40 } },
  brats: { inputShape: [155, 224, 224], cases: { train: 384, val: 100 } },
} as const;
