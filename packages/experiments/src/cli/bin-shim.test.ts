import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PKG = path.join(__dirname, '..', '..');
const SHIM = path.join(PKG, 'bin', 'afl.js');

describe('the afl bin shim (linked by npm before dist/ exists)', () => {
  it('is what package.json links, and runs the built CLI', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin.afl, 'bin/afl.js');
    const r = spawnSync(process.execPath, [SHIM, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^afl: unknown command "frobnicate"/);
    assert.equal(spawnSync(process.execPath, [SHIM, '--help'], { encoding: 'utf8' }).status, 0);
  });

  it('says to build first when dist/ is missing', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-shim-'));
    fs.mkdirSync(path.join(tmp, 'bin'));
    fs.copyFileSync(SHIM, path.join(tmp, 'bin', 'afl.js'));
    const r = spawnSync(process.execPath, [path.join(tmp, 'bin', 'afl.js'), '--help'], { encoding: 'utf8' });
    fs.rmSync(tmp, { recursive: true, force: true });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not built yet: run `npm run build`/);
  });
});
