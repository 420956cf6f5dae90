import { describe, it, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, wasmBinaryDir } from './init-backend';
import { KERNEL_OVERRIDES } from './kernels/install-kernels';

describe('initBackend', () => {
  const saved = process.env.AFL_BACKEND;
  afterEach(() => {
    if (saved == null) delete process.env.AFL_BACKEND;
    else process.env.AFL_BACKEND = saved;
  });

  it('finds the wasm binaries in node_modules (no install script needed)', () => {
    const { dir, error } = wasmBinaryDir();
    assert.equal(error, undefined);
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      assert.ok(fs.statSync(path.join(dir!, f)).size > 100_000, f);
    }
  });

  it('without tfjs-node picks wasm and says why tensorflow was skipped', async () => {
    delete process.env.AFL_BACKEND;
    const info = await initBackend({ quiet: true });
    assert.equal(info.backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.skipped[0].backend, 'tensorflow');
    assert.match(info.skipped[0].why, /tfjs-node-gpu: not installed/);
    assert.equal(info.simd, true);
    assert.deepEqual(info.kernels, Object.keys(KERNEL_OVERRIDES.wasm));
  });

  it('is harmless to call twice', async () => {
    const a = await initBackend({ backend: 'wasm', quiet: true });
    const n = tf.getKernelsForBackend('wasm').length;
    const b = await initBackend({ backend: 'wasm', quiet: true });
    assert.equal(b.backend, a.backend);
    assert.equal(tf.getKernelsForBackend('wasm').length, n);
    const y = tf.conv3d(tf.ones([1, 3, 3, 3, 1]) as tf.Tensor5D, tf.ones([3, 3, 3, 1, 1]) as tf.Tensor5D, 1, 'same');
    assert.equal(y.dataSync()[13], 27);
    y.dispose();
  });

  it('follows AFL_BACKEND, and options.backend wins over it', async () => {
    process.env.AFL_BACKEND = 'cpu';
    assert.equal((await initBackend({ quiet: true })).backend, 'cpu');
    assert.match((await initBackend({ quiet: true })).reason, /AFL_BACKEND=cpu/);
    assert.equal((await initBackend({ backend: 'wasm', quiet: true })).backend, 'wasm');
  });

  it('falls back when the forced backend is unavailable', async () => {
    const info = await initBackend({ backend: 'tensorflow', quiet: true });
    assert.equal(info.backend, 'wasm');
    assert.match(info.reason, /options.backend=tensorflow/);
  });

  it('rejects unknown backends, echoing the value', async () => {
    await assert.rejects(initBackend({ backend: 'webgl' as never, quiet: true }), /unsupported backend "webgl"/);
    process.env.AFL_BACKEND = 'gpu';
    await assert.rejects(initBackend({ quiet: true }), /AFL_BACKEND="gpu"/);
  });
});
