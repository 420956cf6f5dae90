import * as tf from '@tensorflow/tfjs-core';
import { initBackend, BackendName } from '../init-backend';
import { nativeAddon } from '../native/native-addon';

/** Backends the CI suite runs on. */
export const TEST_BACKENDS: BackendName[] = ['cpu', 'wasm'];

/** Switch to `backend` (installing this package's kernels), quietly. */
export async function useBackend(backend: BackendName): Promise<void> {
  await initBackend({ backend, quiet: true });
  if (tf.getBackend() !== backend) throw new Error(`Error in useBackend: wanted ${backend}, got ${tf.getBackend()}.`);
}

/** Native-addon settings to test: on and off when the addon is built, else off only. */
export const NATIVE_PATHS: boolean[] = nativeAddon() != null ? [true, false] : [false];
