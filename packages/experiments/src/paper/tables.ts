import type { LossName } from '@afl/core';
import type { ModelName } from '@afl/models';
import type { AblationFlags } from '../results/result-schema';

/**
 * The paper's Tables 1–5 and Figure 3 as data (Islam et al., 2024, arXiv:2407.09828): for each, the cells it needs
 * (dataset, models, losses, A-FL ablation rows), its metrics, titles and the claim it tests. The grid (`gridCells`),
 * the report (tables, Figure 3, agreement sentences, galleries, detection tables) and the notebooks read it; the
 * training protocol is in `./protocols`. The paper's numbers are in the shared `tables.json` (`loadPaperTables`).
 *
 * Adding a loss: its file in `@afl/core`, its entry in `createLoss`'s factories, and here its label
 * ({@link LOSS_LABELS}) and the views that run it (Table 3's `losses`).
 */

/** The paper's datasets: PI-CAI 2022 (prostate) and BraTS 2018 (whole tumour). A `phantom-X` cell stands for `X`. */
export const PAPER_DATASETS = ['picai', 'brats'] as const;
export type PaperDataset = (typeof PAPER_DATASETS)[number];

export type PaperTableId = 1 | 2 | 3 | 4 | 5;
export const PAPER_TABLE_IDS: readonly PaperTableId[] = [1, 2, 3, 4, 5];
/** One of the paper's Tables 1–5, or Figure 3. */
export type PaperViewId = PaperTableId | 'figure3';
export const PAPER_VIEW_IDS: readonly PaperViewId[] = [1, 2, 3, 4, 5, 'figure3'];

/** The metrics of the paper's tables, in its column order. */
export const METRICS = ['iou', 'dice', 'sensitivity', 'specificity'] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_LABELS: Record<Metric, string> = { iou: 'IoU', dice: 'Dice', sensitivity: 'Sensitivity', specificity: 'Specificity' };

/** How the paper (and the report) names each loss. */
export const LOSS_LABELS: Record<LossName, string> = {
  afl: 'A-FL',
  focal: 'FL',
  ce: 'CE',
  dice: 'Dice',
  iou: 'IoU',
  tversky: 'Tversky',
  'dice-ce': 'Dice-CE',
  'dice-focal': 'Dice-Focal',
};

/** How the report names each model (in the order of Table 4 and of `MODEL_NAMES`). */
export const MODEL_LABELS: Record<ModelName, string> = {
  unet: 'U-Net',
  'attention-unet': 'Attention U-Net',
  regunet: 'RegUNet',
  r2unet: 'R2U-Net',
  'resnet50-unet': 'ResNet50 U-Net',
};

export const DATASET_LABELS: Record<PaperDataset, string> = { picai: 'PI-CAI', brats: 'BraTS' };

const ALL_ON: AblationFlags = { useAlphaVa: true, useGammaVa: true, useGammaMSa: true };

/**
 * Table 5's rows in the paper's order (section 5.3), as `tables.json` gives them: FL (α 0.25, γ 2: A-FL with all
 * three parts off); α_va; α_va + γ_va; α_va + γ_mSa; all three (A-FL); γ_va + γ_mSa.
 */
export const TABLE5_ROWS: readonly AblationFlags[] = [
  { useAlphaVa: false, useGammaVa: false, useGammaMSa: false },
  { useAlphaVa: true, useGammaVa: false, useGammaMSa: false },
  { useAlphaVa: true, useGammaVa: true, useGammaMSa: false },
  { useAlphaVa: true, useGammaVa: false, useGammaMSa: true },
  ALL_ON,
  { useAlphaVa: false, useGammaVa: true, useGammaMSa: true },
];

/** Figure 3's groups: tertiles of the ground-truth lesion's boundary smoothness and volume. */
export type Figure3Measure = 'smoothness' | 'volume';
export type Figure3Group = 'poor' | 'medium' | 'good' | 'small' | 'large';
export const FIGURE3_GROUPS: Record<Figure3Measure, readonly Figure3Group[]> = {
  smoothness: ['poor', 'medium', 'good'],
  volume: ['small', 'medium', 'large'],
};

/** One of the paper's tables or its figure. */
export interface PaperView {
  id: PaperViewId;
  /** The cells it needs: every dataset × model × loss (× ablation row); the grid runs them in this order. */
  datasets: readonly PaperDataset[];
  models: readonly ModelName[];
  losses: readonly LossName[];
  /** A-FL's ablation rows (Table 5); the loss is then `afl`, and all-off is FL. */
  ablations?: readonly AblationFlags[];
  /** The paper's network for this view; absent when the view compares networks (Table 4). */
  model?: ModelName;
  /** Metric columns. */
  metrics: readonly Metric[];
  /** The report's title (when `tables.json`, which has the paper's own, is absent). */
  title: string;
  /** The notebook's heading. */
  notebookTitle: string;
  /** The title of the view's gallery of A-FL vs FL pictures. */
  galleryTitle: string;
  /** What the paper claims here, with its numbers (the notebook's first paragraph). */
  claim: string;
}

const FL_AFL: readonly LossName[] = ['focal', 'afl'];
const RESNET: readonly ModelName[] = ['resnet50-unet'];

export const PAPER_VIEWS: Readonly<Record<PaperViewId, PaperView>> = {
  1: {
    id: 1,
    datasets: ['picai'],
    models: RESNET,
    losses: FL_AFL,
    model: 'resnet50-unet',
    metrics: METRICS,
    title: 'A-FL vs FL, ResNet50-encoded U-Net, PI-CAI 2022',
    notebookTitle: 'Table 1: A-FL vs focal loss, ResNet50-encoded U-Net, PI-CAI 2022',
    galleryTitle: 'Table 1',
    claim: 'Section 5.1 and Table 1 of Islam et al. (2024): on PI-CAI 2022 the ResNet50-encoded U-Net trained with A-FL beats ' +
      'the same network trained with focal loss (α 0.25, γ 2) in every metric: IoU 0.696 vs 0.641, Dice 0.769 vs 0.715, ' +
      'sensitivity 0.941 vs 0.924, specificity 0.9489 vs 0.9484 ("a 5.5% increase in IoU, a 5.4% rise in DSC").',
  },
  2: {
    id: 2,
    datasets: ['brats'],
    models: RESNET,
    losses: FL_AFL,
    model: 'resnet50-unet',
    metrics: METRICS,
    title: 'A-FL vs FL, ResNet50-encoded U-Net, BraTS 2018',
    notebookTitle: 'Table 2: A-FL vs focal loss, ResNet50-encoded U-Net, BraTS 2018',
    galleryTitle: 'Table 2',
    claim: 'Section 5.1 and Table 2: on BraTS 2018 (whole tumour) A-FL raises IoU from 0.831 to 0.883 and Dice from 0.893 to ' +
      '0.931, and specificity from 0.946 to 0.957, while sensitivity drops slightly (0.949 → 0.937).',
  },
  3: {
    id: 3,
    datasets: ['picai'],
    models: RESNET,
    // FL's row is Table 1's cell.
    losses: ['tversky', 'ce', 'iou', 'dice', 'dice-ce', 'dice-focal', 'afl'],
    model: 'resnet50-unet',
    metrics: METRICS,
    title: 'A-FL vs baseline losses, ResNet50-encoded U-Net, PI-CAI 2022',
    notebookTitle: 'Table 3: A-FL vs six baseline losses, ResNet50-encoded U-Net, PI-CAI 2022',
    galleryTitle: 'Table 3 (A-FL vs FL, the cells of Table 1)',
    claim: 'Section 5.1 and Table 3: with the same network on PI-CAI 2022, A-FL (IoU 0.696, Dice 0.769) beats Tversky (0.654 / 0.726), ' +
      'cross-entropy (0.630 / 0.705), IoU (0.654 / 0.727), Dice (0.665 / 0.739), Dice + CE (0.670 / 0.742) and Dice + focal loss ' +
      '(0.685 / 0.757) in IoU, Dice and sensitivity.',
  },
  4: {
    id: 4,
    datasets: ['picai'],
    models: ['unet', 'attention-unet', 'regunet', 'r2unet', 'resnet50-unet'],
    losses: FL_AFL,
    metrics: METRICS,
    title: 'A-FL vs FL across segmentation models, PI-CAI 2022',
    notebookTitle: 'Table 4: A-FL vs focal loss across five segmentation networks, PI-CAI 2022',
    galleryTitle: 'Table 4',
    claim: 'Section 5.1 and Table 4: A-FL beats focal loss in Dice with each network: U-Net (0.740 vs 0.710), Attention U-Net ' +
      '(0.750 vs 0.721), RegUNet (0.635 vs 0.622), R2U-Net (0.740 vs 0.709) and the ResNet50-encoded U-Net (0.769 vs 0.715); ' +
      '"significant improvements in IoU, Dice coefficient, Sensitivity, and Specificity".',
  },
  5: {
    id: 5,
    datasets: ['picai', 'brats'],
    models: RESNET,
    losses: ['afl'],
    ablations: TABLE5_ROWS,
    model: 'resnet50-unet',
    metrics: ['iou', 'dice'],
    title: 'Ablation of the adaptive parameters, ResNet50-encoded U-Net',
    notebookTitle: 'Table 5: ablation of A-FL\'s adaptive parameters, ResNet50-encoded U-Net',
    galleryTitle: 'Table 5 (the full A-FL vs FL)',
    claim: 'Section 5.3 and Table 5: starting from focal loss (α 0.25, γ 2), each adaptive part helps on PI-CAI and BraTS: ' +
      'α_va alone (Dice 0.733 / 0.906), α_va + γ_va (0.748 / 0.912), α_va + γ_mSa (0.756 / 0.929); all three together are best ' +
      '(0.769 / 0.931); γ_va + γ_mSa without α_va is lower (0.746 / 0.924). The rows\' switches follow `tables.json` ' +
      '(the paper\'s check marks did not survive in its text; the flags follow the ablation text of section 5.3).',
  },
  figure3: {
    id: 'figure3',
    datasets: ['picai'],
    models: RESNET,
    losses: FL_AFL,
    model: 'resnet50-unet',
    metrics: ['dice'],
    title: 'Dice of FL vs A-FL by tumour boundary smoothness and volume, PI-CAI',
    notebookTitle: 'Figure 3: A-FL\'s Dice gain over focal loss by boundary smoothness and lesion volume, PI-CAI 2022',
    galleryTitle: 'Figure 3 (the cells of Table 1)',
    claim: 'Section 5.1 and Figure 3: A-FL\'s relative Dice gain over focal loss is largest for the hardest lesions: +13.69 % for ' +
      'poor, +7.69 % for medium and +5.22 % for good boundary smoothness; +7.77 % for small, +6.23 % for medium and +4.41 % for ' +
      'large volume. The paper does not say how the groups are cut. Here they are tertiles: the distinct ground-truth cases of ' +
      'the FL and A-FL cells (Table 1\'s) are cut at the 1/3 and 2/3 quantiles of their boundary smoothness (sphericity) and ' +
      'of their lesion volume; the cut values and group sizes are printed under the table.',
  },
};

/** The order of losses in a table's extra rows and its paired statistics: FL, then Table 3's (A-FL last). */
export const LOSS_ORDER: readonly LossName[] = ['focal', ...PAPER_VIEWS[3].losses];
/** The order of models: Table 4's. */
export const MODEL_ORDER: readonly ModelName[] = PAPER_VIEWS[4].models;

/** One cell a view needs, before profile and protocol: dataset, model, loss and (Table 5) A-FL's switches. */
export interface PaperCell {
  dataset: PaperDataset;
  model: ModelName;
  loss: LossName;
  ablation?: AblationFlags;
}

/**
 * The cells a view needs, in the grid's order (datasets, then models, losses and ablation rows), as the paper states
 * them: Table 5's all-off row is A-FL with its flags (the grid runs it as FL, the all-on row as plain A-FL).
 */
export function paperCells(view: PaperViewId): PaperCell[] {
  const v = PAPER_VIEWS[view];
  if (!v) throw new Error(`Error in paperCells: view must be 1–5 or 'figure3', got ${JSON.stringify(view)}.`);
  const out: PaperCell[] = [];
  for (const dataset of v.datasets) {
    for (const model of v.models) {
      for (const loss of v.losses) {
        if (v.ablations) for (const ablation of v.ablations) out.push({ dataset, model, loss, ablation: { ...ablation } });
        else out.push({ dataset, model, loss });
      }
    }
  }
  return out;
}

/** A-FL with all three parts off is FL (α 0.25, γ 2); with all on, plain A-FL: the cell a paper cell is run as. */
export function canonicalCell<T extends { loss: LossName; ablation?: AblationFlags }>(cell: T): T {
  const a = cell.ablation;
  if (cell.loss !== 'afl' || !a) return cell;
  const { ablation: _drop, ...rest } = cell;
  if (!a.useAlphaVa && !a.useGammaVa && !a.useGammaMSa) return { ...rest, loss: 'focal' } as T;
  if (a.useAlphaVa && a.useGammaVa && a.useGammaMSa) return rest as T;
  return cell;
}

/** The notebooks' views (file, view id, heading, claim), for `notebooks/scripts/write-notebooks.js`. */
export function notebookSpecs(): Array<{ file: string; view: PaperViewId; title: string; claim: string }> {
  return PAPER_VIEW_IDS.map((id) => ({ file: `${id === 'figure3' ? 'figure3' : `table${id}`}.ipynb`, view: id, title: PAPER_VIEWS[id].notebookTitle, claim: PAPER_VIEWS[id].claim }));
}
