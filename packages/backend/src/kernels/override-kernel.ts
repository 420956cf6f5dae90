import * as tf from '@tensorflow/tfjs-core';

/** Attributes of a kernel call, as the engine passes them. */
export type KernelAttrs = Record<string, unknown>;

/**
 * A kernel written with tf ops. It runs inside `tf.tidy`; the returned tensor
 * becomes the kernel output (the engine accepts tensors as kernel outputs).
 * Ops called inside are not recorded on the gradient tape (kernel depth > 0),
 * so gradients come from the gradient registered for `kernelName`.
 */
export type OpKernel = (
  inputs: Record<string, tf.Tensor>, attrs: KernelAttrs, callOriginal: () => tf.Tensor,
) => tf.Tensor | tf.Tensor[] | undefined;

const originals = new Map<string, tf.KernelConfig>();

function key(kernelName: string, backendName: string): string {
  return `${backendName}_${kernelName}`;
}

/** The kernel that was registered before `overrideKernel` replaced it, if any. */
export function originalKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return originals.get(key(kernelName, backendName));
}

/**
 * Replace (or add) `kernelName` on `backendName` with `impl`. The previous
 * registration is kept and can be fetched with `originalKernel`.
 */
export function overrideKernel(kernelName: string, backendName: string, impl: OpKernel): void {
  const k = key(kernelName, backendName);
  const existing = tf.getKernel(kernelName, backendName);
  if (existing != null) {
    if (!originals.has(k)) originals.set(k, existing);
    tf.unregisterKernel(kernelName, backendName);
  }
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const callOriginal = (): tf.Tensor => {
        const orig = originals.get(k);
        if (orig == null) throw new Error(`Error in ${kernelName}: no original ${backendName} kernel to fall back to.`);
        const out = orig.kernelFunc(args) as tf.TensorInfo | tf.TensorInfo[];
        const wrap = (t: tf.TensorInfo) => ((t as tf.Tensor).rank != null ? (t as tf.Tensor) : tf.engine().makeTensorFromTensorInfo(t));
        return (Array.isArray(out) ? out.map(wrap) : wrap(out)) as tf.Tensor;
      };
      const out = tf.tidy(() => impl(args.inputs as unknown as Record<string, tf.Tensor>, args.attrs as KernelAttrs, callOriginal) ?? callOriginal());
      return out as unknown as tf.TensorInfo;
    },
  });
}

/**
 * Replace `kernelName` on `backendName` with a kernel function that works on
 * TensorInfos and the backend directly; returning undefined runs the original.
 */
export function overrideRawKernel(kernelName: string, backendName: string, fn: tf.KernelFunc): void {
  const k = key(kernelName, backendName);
  const existing = tf.getKernel(kernelName, backendName);
  if (existing == null) throw new Error(`Error in overrideRawKernel: no ${kernelName} kernel on ${backendName} to wrap.`);
  if (!originals.has(k)) originals.set(k, existing);
  tf.unregisterKernel(kernelName, backendName);
  const orig = originals.get(k)!;
  tf.registerKernel({ kernelName, backendName, kernelFunc: (args) => fn(args) ?? orig.kernelFunc(args) });
}

/** Replace (or add) the gradient of `kernelName`. */
export function overrideGradient(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) != null) tf.unregisterGradient(config.kernelName);
  tf.registerGradient(config);
}

/** Run a kernel through the engine (dispatches to whatever is registered now). */
export function runKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: KernelAttrs): tf.Tensor {
  return tf.engine().runKernel(kernelName, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}
