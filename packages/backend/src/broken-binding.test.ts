import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// `npm install --ignore-scripts @tensorflow/tfjs-node` leaves a package whose require throws (its install script,
// which downloads libtensorflow, never ran). Simulated without the network: a fake package on NODE_PATH.
describe('initBackend with an installed but broken tfjs-node binding', () => {
  it('falls back (tensorflow skipped with the load error) and everything else works', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-broken-tfjs-node-'));
    try {
      const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
      fs.mkdirSync(pkg, { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
      fs.writeFileSync(path.join(pkg, 'index.js'),
        "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');\n");
      const script = `
        const tf = require('@tensorflow/tfjs-core');
        const { initBackend } = require(${JSON.stringify(path.join(__dirname, 'index.js'))});
        initBackend({ quiet: true }).then(async (info) => {
          const y = tf.conv3d(tf.ones([1, 3, 3, 3, 1]), tf.ones([3, 3, 3, 1, 1]), 1, 'same');
          console.log('INFO ' + JSON.stringify({ backend: info.backend, skipped: info.skipped, v: (await y.data())[13] }));
        });`;
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(dir, 'node_modules') };
      delete env.AFL_BACKEND;
      const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, cwd: path.join(__dirname, '..'), timeout: 60_000 });
      assert.equal(out.status, 0, out.stderr);
      const info = JSON.parse(out.stdout.split('\n').find((l) => l.startsWith('INFO '))!.slice(5)) as { backend: string; skipped: { backend: string; why: string }[]; v: number };
      assert.ok(['wasm', 'webgpu'].includes(info.backend), info.backend);
      const tfSkip = info.skipped.find((s) => s.backend === 'tensorflow');
      assert.match(tfSkip?.why ?? '', /@tensorflow\/tfjs-node: libtensorflow\.so\.2: cannot open shared object file/);
      assert.match(tfSkip?.why ?? '', /@tensorflow\/tfjs-node-gpu: not installed/);
      assert.equal(info.v, 27);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
