import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

describe('afl doctor', () => {
  it('lists the four backends, each available or not with the reason, and names the automatic pick', () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.AFL_BACKEND;
    const out = spawnSync(process.execPath, [path.join(__dirname, '..', 'cli.js'), 'doctor'], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(out.status, 0, out.stderr);
    const text = out.stdout;
    assert.match(text, /^Node v\d+/);
    assert.match(text, /@tensorflow\/tfjs-core\s+4\.22\.0/);
    for (const b of ['tensorflow', 'webgpu', 'wasm', 'cpu']) assert.match(text, new RegExp(`^  ${b}\\s+(available|unavailable)\\s+\\S`, 'm'), b);
    assert.match(text, /^  tensorflow\s+unavailable\s+.*tfjs-node/m);
    assert.match(text, /^  wasm\s+available[\s\S]*SIMD on/m);
    const pick = /^Automatic choice \(AFL_BACKEND unset\): (\w+)/m.exec(text);
    assert.ok(pick != null && ['tensorflow', 'webgpu', 'wasm', 'cpu'].includes(pick[1]), text);
  });
});
