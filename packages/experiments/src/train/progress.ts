/** What the trainer reports after each step. */
export interface ProgressEvent {
  epoch: number;
  epochs: number;
  step: number;
  /** NaN until the first epoch has been counted, when the dataset does not tell its size. */
  stepsPerEpoch: number;
  loss: number;
  stepsPerSecond: number;
  /** Seconds left in the run at the current speed (NaN while the number of steps per epoch is unknown). */
  etaSeconds: number;
  label?: string;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatProgress(p: ProgressEvent, width = 24): string {
  const perEpoch = Number.isFinite(p.stepsPerEpoch) ? p.stepsPerEpoch : p.step;
  const done = (p.epoch - 1) * perEpoch + p.step;
  const total = p.epochs * perEpoch;
  const filled = Math.min(width, Math.round((done / Math.max(total, 1)) * width));
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const label = p.label ? `${p.label} ` : '';
  return `${label}[${bar}] epoch ${p.epoch}/${p.epochs} step ${p.step}/${Number.isFinite(p.stepsPerEpoch) ? p.stepsPerEpoch : '?'} loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(2)} steps/s ETA ${duration(p.etaSeconds)}`;
}

/**
 * A progress reporter: a bar redrawn in place on a terminal, plain log lines (at most one per `intervalMs`, and at
 * each epoch's end) when the output is not a TTY (CI, Slurm).
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr, intervalMs = 10000): {
  update: (p: ProgressEvent) => void;
  done: () => void;
} {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      const epochEnd = p.step === p.stepsPerEpoch;
      if (tty) {
        if (now - last < 100 && !epochEnd) return;
        stream.write(`\r${formatProgress(p)}\x1b[K`);
        drawn = true;
      } else {
        if (now - last < intervalMs && !epochEnd) return;
        stream.write(`${formatProgress(p)}\n`);
      }
      last = now;
    },
    done() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
