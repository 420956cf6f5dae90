import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { importNiftiReader, loadNiftiReader, loadNiftiReaderSync } from './load-nifti-reader';

describe('loadNiftiReader', () => {
  it('loads the ES module nifti-reader-js from CommonJS, by require() and by import()', async () => {
    const viaImport = await importNiftiReader();
    assert.equal(typeof viaImport.readHeader, 'function');
    assert.equal(typeof viaImport.NIFTI2, 'function');
    const loaded = await loadNiftiReader();
    assert.equal(typeof loaded.readHeader, 'function');
    assert.equal(loadNiftiReaderSync(), loaded);
  });
});
