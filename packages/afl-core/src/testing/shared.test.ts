import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCI, repositoryRoot, sharedDir, sharedForTest, sharedPath } from './shared';

/** Runs `fn` with these environment variables (undefined: unset), restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>): void => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(vars);
  try {
    return fn();
  } finally {
    set(saved);
  }
}

const quiet = <T>(fn: () => T): T => {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
};

describe('shared data resolver (@afl/core/testing)', () => {
  it('is the package export @afl/core/testing', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const exported = require('@afl/core/testing') as typeof import('./index');
    assert.equal(require.resolve('@afl/core/testing'), path.join(__dirname, 'index.js'));
    assert.equal(typeof exported.sharedForTest, 'function');
    assert.equal(typeof exported.sharedDir, 'function');
  });

  it('defaults to ../shared beside the repository root', () => {
    const root = repositoryRoot();
    assert.ok(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces, root);
    withEnv({ AFL_SHARED_DIR: undefined, AFL_SHARED_DATA: undefined }, () => {
      assert.equal(sharedDir(), path.resolve(root, '..', 'shared'));
      assert.equal(sharedPath('reference', 'x.json'), path.resolve(root, '..', 'shared', 'reference', 'x.json'));
    });
  });

  it('honours AFL_SHARED_DIR (and the older AFL_SHARED_DATA, its data/ folder)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-shared-'));
    try {
      fs.mkdirSync(path.join(dir, 'reference'));
      fs.writeFileSync(path.join(dir, 'reference', 'x.json'), '{}');
      withEnv({ AFL_SHARED_DIR: dir, AFL_SHARED_DATA: '/elsewhere/data', CI: 'true' }, () => {
        assert.equal(sharedDir(), dir);
        assert.deepEqual(sharedForTest('reference', 'x.json'), { path: path.join(dir, 'reference', 'x.json'), skip: false });
      });
      withEnv({ AFL_SHARED_DIR: undefined, AFL_SHARED_DATA: path.join(dir, 'data'), CI: undefined }, () => {
        assert.equal(sharedDir(), dir);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('missing shared data: a skip with a clear message locally, an error under CI', () => {
    withEnv({ AFL_SHARED_DIR: '/nonexistent/afl-shared', CI: undefined }, () => {
      assert.equal(isCI(), false);
      const r = quiet(() => sharedForTest('reference', 'picai_eval'));
      assert.equal(r.path, undefined);
      assert.match(String(r.skip), /shared\/reference\/picai_eval not found at \/nonexistent\/afl-shared\/reference\/picai_eval \(set AFL_SHARED_DIR/);
    });
    for (const off of ['', '0', 'false']) {
      withEnv({ AFL_SHARED_DIR: '/nonexistent/afl-shared', CI: off }, () => {
        assert.equal(isCI(), false, `CI=${JSON.stringify(off)}`);
      });
    }
    withEnv({ AFL_SHARED_DIR: '/nonexistent/afl-shared', CI: 'true' }, () => {
      assert.equal(isCI(), true);
      assert.throws(() => sharedForTest('reference', 'picai_eval'), /not found .*CI is set, so missing shared test data is a failure, not a skip/);
    });
  });

  it('a golden test file fails under CI (CI=true) and skips locally when AFL_SHARED_DIR points nowhere', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-shared-ci-'));
    try {
      const file = path.join(dir, 'golden.test.js');
      fs.writeFileSync(file, `const { test } = require('node:test');
const { sharedForTest } = require(${JSON.stringify(path.join(__dirname, 'index.js'))});
const ref = sharedForTest('reference', 'losses_monai.json');
test('golden', { skip: ref.skip }, () => {});
`);
      const run = (ci: string | undefined) => {
        const env: NodeJS.ProcessEnv = { ...process.env, AFL_SHARED_DIR: path.join(dir, 'nonexistent') };
        delete env.AFL_SHARED_DATA;
        delete env.NODE_TEST_CONTEXT;
        if (ci === undefined) delete env.CI;
        else env.CI = ci;
        return spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { env, encoding: 'utf8' });
      };
      const local = run(undefined);
      assert.equal(local.status, 0, local.stdout + local.stderr);
      assert.match(local.stdout, /# skipped 1/);
      const ci = run('true');
      assert.notEqual(ci.status, 0, ci.stdout + ci.stderr);
      assert.match(ci.stdout + ci.stderr, /CI is set, so missing shared test data is a failure/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
