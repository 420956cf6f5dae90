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

/** A loss with 4 significant digits: fixed notation from 0.001 up, exponent notation below (an A-FL loss of 4e-5). */
export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  const a = Math.abs(loss);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? loss.toExponential(3) : loss.toPrecision(4);
}

/**
 * One progress line. With `columns` (a terminal's width) the line never exceeds it: the bar shrinks (down to 8
 * characters), then disappears, then the label is shortened from its start.
 */
export function formatProgress(p: ProgressEvent, width = 24, columns?: number): string {
  const perEpoch = Number.isFinite(p.stepsPerEpoch) ? p.stepsPerEpoch : p.step;
  const done = (p.epoch - 1) * perEpoch + p.step;
  const total = p.epochs * perEpoch;
  const stats = `epoch ${p.epoch}/${p.epochs} step ${p.step}/${Number.isFinite(p.stepsPerEpoch) ? p.stepsPerEpoch : '?'} loss ${formatLoss(p.loss)} ${p.stepsPerSecond.toFixed(2)} steps/s ETA ${duration(p.etaSeconds)}`;
  let label = p.label ?? '';
  let barWidth = width;
  if (columns !== undefined) {
    const room = columns - 1 - stats.length - (label ? label.length + 1 : 0) - 3;
    barWidth = room >= 8 ? Math.min(width, room) : 0;
    if (barWidth === 0 && label) {
      const keep = columns - 1 - stats.length - 2;
      label = keep >= 8 ? (label.length > keep ? `…${label.slice(label.length - keep + 1)}` : label) : '';
    }
  }
  const filled = Math.min(barWidth, Math.round((done / Math.max(total, 1)) * barWidth));
  const bar = barWidth > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ` : '';
  const line = `${label ? `${label} ` : ''}${bar}${stats}`;
  return columns !== undefined && line.length > columns - 1 ? line.slice(0, Math.max(columns - 1, 0)) : line;
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
        stream.write(`\r${formatProgress(p, 24, stream.columns || 80)}\x1b[K`);
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
