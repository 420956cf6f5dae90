import { LOSS_NAMES } from '@afl/core';
import { MODEL_NAMES } from '@afl/models';
/** `--help` texts of the afl commands. */
export const HELP: Record<string, string> = {
  main: `afl — reproduce "Enhancing Semantic Segmentation with Adaptive Focal Loss" (Islam et al. 2024)

Usage: afl <command> [options]

Commands:
  grid      run the experiment grid of a profile (every table and Figure 3), then write the report
  report    aggregate the result files of a grid into tables beside the paper's numbers, CSV and Figure 3
  train     train one cell (dataset, model, loss) and write its result file
  eval      score a trained checkpoint on a dataset split, write predictions and metrics
  predict   segment a new study (image files) with a trained cell: mask, probabilities and overlay on the study's grid
  run-cell  run one cell of <out>/cells.json (what each Slurm array task or local worker runs)
  doctor    which TF.js backends work here (native TensorFlow, WebGPU adapter, wasm SIMD + native kernels, cpu) and why

Run "afl <command> --help" for the options of a command.

Examples:
  afl grid --profile quick                 # all tables on the built-in phantom data, minutes on 2 cores
  afl grid --profile smoke --out /tmp/smoke
  afl grid --profile paper --picai /data/picai --brats /data/brats2018 --tables 1,3 --seeds 3
  afl report --out results/quick
`,
  grid: `Usage: afl grid --profile smoke|quick|standard|paper [options]

Runs every cell (dataset x model x loss x ablation x seed) that the chosen tables need and has no result file yet,
then writes the report. Killed runs resume from their checkpoints when started again.

Options:
  --profile NAME      smoke (CI, minutes), quick (built-in phantom data, 2-core CPU, <= 15 min), standard (3 seeds,
                      larger inputs, <= 90 min on 2 cores), paper (real data, GPU)
  --tables LIST       comma-separated subset of 1,2,3,4,5,figure3 (default: all)
  --seeds N           seeds per cell (default: the profile's)
  --protocol NAME     paper (default) or authors-code
  --epochs N          override the number of epochs
  --lr X              override the learning rate
  --out DIR           results folder (default results/<profile>)
  --backend NAME      tensorflow, webgpu, wasm or cpu (default: best available; also AFL_BACKEND)
  --picai DIR         PI-CAI 2022 root (paper profile)
  --brats DIR         BraTS 2018 or MSD Task01 root (paper profile)
  --picai-labels DIR  picai_labels root: the PI-CAI cells of a phantom profile train on picai-masks (real expert
                      lesion and AI gland masks, simulated bpMRI around them) instead of phantom-picai
  --only LIST         run only these cell indices of <out>/cells.json
  --list              print the cells and exit
  --emit slurm        write <out>/cells.json, pending.json and afl-grid.sbatch (a job array, one task per pending
                      cell, requeued with its checkpoint on preemption or time limit) instead of running
  --workers K|auto    run the pending cells in K processes on this machine (auto: one per core, at most 8), each
                      with AFL_THREADS = cores / K; the CPU profiles' small models gain nothing from a second
                      thread, so on 2 cores --workers 2 halves the wall time (npm start uses auto)
  --emit local        the same as --workers (default 1 there; e.g. one per GPU)
  --partition P, --gpus N, --time HH:MM:SS, --mem 32G, --max-parallel M, --cpus-per-task N   (--emit slurm)
`,
  'run-cell': `Usage: afl run-cell --index N --out DIR [--backend NAME] [--picai DIR] [--brats DIR] [--picai-labels DIR]

Runs cell N of DIR/cells.json and writes DIR/cells/<cellId>.json; resumes from its checkpoint. On SIGUSR1 or
SIGTERM it saves a checkpoint after the current step and exits with code 3 (requeue me).
`,
  doctor: `Usage: afl doctor

Prints Node's and the TF.js packages' versions, each backend (tensorflow, webgpu, wasm, cpu) available or not and
why (webgpu: the adapter and whether it is a software rasteriser such as llvmpipe, used only with --backend webgpu /
AFL_BACKEND=webgpu; wasm: SIMD, the native kernels and the CPU's AVX2/AVX-512 flags) and the backend that is picked
automatically.
`,
  report: `Usage: afl report [--out DIR] [--profile NAME] [--metrics hard|soft]

Reads DIR/cells/*.json (default results/<profile>, profile default quick) and writes DIR/report.md, one CSV per
table, figure3.html and figure3.svg; prints the tables beside the paper's numbers.
`,
  train: `Usage: afl train --model NAME --loss NAME [options]

Trains one cell on the built-in phantom data (or --picai/--brats) and writes its result file.

Options:
  --dataset NAME      phantom-picai (default), phantom-brats, picai, brats, picai-masks (needs --picai-labels DIR)
  --model NAME        ${MODEL_NAMES.join(', ')}
  --loss NAME         ${LOSS_NAMES.join(', ')}
  --no-alpha-va, --no-gamma-va, --no-gamma-msa   A-FL ablation switches
  --profile NAME      sizes and epochs to start from (default quick)
  --protocol NAME     paper (default) or authors-code
  --epochs N, --lr X, --seed N, --out DIR, --backend NAME, --picai DIR, --brats DIR, --picai-labels DIR
`,
  eval: `Usage: afl eval --cell FILE [--split val|test] [--out DIR]

Loads the best checkpoint of a finished cell (its result file names the configuration), scores the split and
writes the metrics as JSON.
`,
  predict: `Usage: afl predict <t2w> [<adc> <hbv>] --cell FILE --out mask.nii.gz [options]
       afl predict <t1> <t1ce> <t2> <flair> --cell FILE --out mask.nii.gz [options]      (BraTS cells)

Segments a new study with the best checkpoint of a finished cell: reads the image files (NIfTI or MetaImage), runs
the preprocessing the cell was trained with (paper or authors' code; a phantom cell uses the pipeline of the dataset
it stands for), predicts with sliding windows, maps the probabilities back onto the first image's grid through the
inverse of every spatial step, and writes the mask with that image's shape and affine. Prints the lesion count,
volume and the largest lesion.

Options:
  --cell FILE           a result file <results>/cells/<cell id>.json (its checkpoints/ folder must be beside cells/)
  --out FILE            the mask, uint8 NIfTI (.nii.gz)
  --probabilities FILE  also the lesion probabilities, float32 NIfTI
  --png FILE            also a picture: the slices with most lesion, the prediction's contour over the first image
  --truth FILE          a ground-truth mask on the first image's grid, drawn in the --png picture too
  --gland FILE          PI-CAI whole-gland mask on the T2W grid: crop to it as in training (paper pipeline)
  --threshold X         probability above which a voxel is lesion (default 0.5)
  --backend NAME        TF.js backend (default: automatic)

Example:
  afl predict case_t2w.mha case_adc.mha case_hbv.mha --cell results/quick/cells/<id>.json --out mask.nii.gz --png overlay.png
`,
};
