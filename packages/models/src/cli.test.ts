import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from './cli';
import { readStateDict, writeStateDict } from './index';

test('cli import-weights converts a torchvision state dict into the cache', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-cli-'));
  try {
    const src = writeStateDict(path.join(dir, 'tv.json'), { layout: 'torch', tensors: new Map([
      ['conv1.weight', { shape: [2, 1, 1, 1], data: new Float32Array([1, 2]) }],
      ['bn1.weight', { shape: [2], data: new Float32Array([3, 4]) }]]) });
    const lines: string[] = [];
    assert.equal(await cli(['import-weights', src, path.join(dir, 'cache')], (s) => lines.push(s)), 0);
    assert.match(lines[0], /imported 2 tensors -> .*resnet50-imagenet\.json/);
    const sd = readStateDict(path.join(dir, 'cache', 'resnet50-imagenet.json'));
    assert.deepEqual(sd.tensors.get('conv1.weight')!.shape, [1, 1, 1, 2]);
    assert.equal(await cli(['import-weights', src], (s) => lines.push(s)), 2);
    assert.equal(await cli(['import-weights', path.join(dir, 'x.pt'), dir], (s) => lines.push(s)), 1);
    assert.match(lines[lines.length - 1], /cannot tell the format/);
    assert.equal(await cli(['frobnicate'], (s) => lines.push(s)), 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
