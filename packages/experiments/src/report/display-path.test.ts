import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { displayPath, REPO_ROOT } from './display-path';

describe('displayPath', () => {
  it('shows paths in or beside the repository relative to its root, others as given', () => {
    const root = path.join(path.sep, 'home', 'me', 'afl');
    assert.equal(displayPath(path.join(root, 'results', 'quick'), root), 'results/quick');
    assert.equal(displayPath(path.join(root, '..', 'shared', 'paper', 'tables.json'), root), '../shared/paper/tables.json');
    assert.equal(displayPath(root, root), '.');
    assert.equal(displayPath('/tmp/smoke', root), '/tmp/smoke');
    assert.equal(displayPath(path.join(REPO_ROOT, 'results', 'quick')), 'results/quick');
    assert.ok(require('node:fs').existsSync(path.join(REPO_ROOT, 'turbo.json')), 'REPO_ROOT is the repository root');
  });
});
