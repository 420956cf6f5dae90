import * as tf from '@tensorflow/tfjs-core';

interface WasmData { refCount: number }
interface WasmBackendLike { dataIdMap: { get(dataId: object): WasmData | undefined } }

/**
 * wasm `Identity` that shares the input's memory (reference counted, as the
 * cpu backend does) instead of copying it. The engine clones every tensor it
 * saves for the backward pass through Identity: ~340 full copies per U-Net
 * training step on wasm. tfjs tensors are immutable, so sharing is safe.
 */
export const identityWasm: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return undefined as unknown as tf.TensorInfo;
  const data = (backend as unknown as WasmBackendLike).dataIdMap.get(x.dataId);
  if (data == null || typeof data.refCount !== 'number') return undefined as unknown as tf.TensorInfo;
  data.refCount++;
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** wasm `Cast` to the input's own dtype as `identityWasm` (the stock kernel copies; relu's gradient casts every step). */
export const castSameDtypeWasm: tf.KernelFunc = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  if ((args.attrs as { dtype?: string }).dtype !== x.dtype) return undefined as unknown as tf.TensorInfo;
  return identityWasm(args);
};
