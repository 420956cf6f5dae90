import * as tf from '@tensorflow/tfjs-core';

export interface SgdOptions {
  learningRate: number;
  /** Default 0.9. */
  momentum?: number;
  /** Nesterov momentum (the authors' code). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, as PyTorch's `SGD(weight_decay=...)`. Default 0. */
  weightDecay?: number;
}

/** The optimizer's state: one momentum buffer per variable (null before its first step). */
export interface SgdState {
  step: number;
  buffers: Array<Float32Array | null>;
}

/**
 * SGD with momentum, Nesterov and weight decay with PyTorch's semantics:
 * `d = g + wd·w; b = μ·b + d (b = d at the first step); d = nesterov ? d + μ·b : b; w -= lr·d`.
 * Its state can be read and restored exactly, so a resumed run continues bit for bit.
 */
export class SgdOptimizer {
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private buffers: Array<tf.Variable | null> = [];
  private steps = 0;

  constructor(options: SgdOptions) {
    this.learningRate = options.learningRate;
    this.momentum = options.momentum ?? 0.9;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.learningRate > 0)) throw new Error(`Error in SgdOptimizer: learningRate must be > 0, got ${options.learningRate}.`);
    if (this.nesterov && this.momentum <= 0) throw new Error('Error in SgdOptimizer: nesterov needs momentum > 0.');
  }

  get iterations(): number {
    return this.steps;
  }

  /** Applies one update to `variables` given their `grads` (same order). Disposes nothing it did not create. */
  applyGradients(variables: tf.Variable[], grads: tf.Tensor[]): void {
    if (this.buffers.length === 0) this.buffers = variables.map(() => null);
    if (this.buffers.length !== variables.length) {
      throw new Error(`Error in SgdOptimizer: got ${variables.length} variables, the optimizer state holds ${this.buffers.length}.`);
    }
    tf.tidy(() => {
      variables.forEach((w, i) => {
        let d = grads[i];
        if (this.weightDecay !== 0) d = tf.add(d, tf.mul(w, this.weightDecay));
        if (this.momentum !== 0) {
          const old = this.buffers[i];
          const b = old === null ? d : tf.add(tf.mul(old, this.momentum), d);
          if (old === null) this.buffers[i] = tf.variable(tf.clone(b), false);
          else old.assign(b);
          const buf = this.buffers[i] as tf.Variable;
          d = this.nesterov ? tf.add(d, tf.mul(buf, this.momentum)) : buf;
        }
        w.assign(tf.sub(w, tf.mul(d, this.learningRate)));
      });
    });
    this.steps += 1;
  }

  /** The step count and momentum buffers, copied to the host (asynchronous reads). */
  async getState(): Promise<SgdState> {
    const buffers = await Promise.all(this.buffers.map(async (b) => (b === null ? null : ((await b.data()) as Float32Array).slice())));
    return { step: this.steps, buffers };
  }

  setState(state: SgdState, shapes: number[][]): void {
    this.dispose();
    this.steps = state.step;
    this.buffers = state.buffers.map((b, i) => (b === null ? null : tf.variable(tf.tensor(b, shapes[i]), false)));
  }

  dispose(): void {
    for (const b of this.buffers) b?.dispose();
    this.buffers = [];
  }
}
