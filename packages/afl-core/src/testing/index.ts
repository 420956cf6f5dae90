/**
 * `@afl/core/testing`: test support shared by the workspace's packages (no TF.js import, so any package's tests can
 * load it). The shared-data resolver: `AFL_SHARED_DIR`, else `../shared` beside the repository root.
 */
export { isCI, repositoryRoot, SHARED_DIR_ENV, sharedDir, sharedForTest, sharedPath } from './shared';
export type { SharedForTest } from './shared';
