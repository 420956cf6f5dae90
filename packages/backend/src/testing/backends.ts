import { describe, before, after } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, BackendName } from '../init-backend';
import { nativeAddon, setNativeKernels } from '../native/native-addon';

/** Backends the CI suite runs on. */
export const TEST_BACKENDS: BackendName[] = ['cpu', 'wasm'];

/** Switch to `backend` (installing this package's kernels), quietly. */
export async function useBackend(backend: BackendName): Promise<void> {
  await initBackend({ backend, quiet: true });
  if (tf.getBackend() !== backend) throw new Error(`Error in useBackend: wanted ${backend}, got ${tf.getBackend()}.`);
}

/** Native-addon settings to test: on and off when the addon is built, else off only. */
export const NATIVE_PATHS: boolean[] = nativeAddon() != null ? [true, false] : [false];

/**
 * One `describe` per test backend and native setting (`<title> on <backend>, native ops on|off`), switched
 * to before its tests and back to native on after them.
 */
export function describeOnEachBackend(title: string, body: (backend: BackendName, native: boolean) => void): void {
  for (const backend of TEST_BACKENDS) {
    for (const native of NATIVE_PATHS) {
      describe(`${title} on ${backend}, native ops ${native ? 'on' : 'off'}`, () => {
        before(async () => {
          await useBackend(backend);
          setNativeKernels(native);
        });
        after(() => setNativeKernels(true));
        body(backend, native);
      });
    }
  }
}
