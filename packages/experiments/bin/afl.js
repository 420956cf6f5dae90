#!/usr/bin/env node
// The `afl` command: a committed shim, so that npm links it at install time, before `npm run build` makes dist/.
'use strict';
const path = require('path');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
let loaded;
try {
  loaded = require(cli);
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(cli)) {
    process.stderr.write('afl: not built yet: run `npm run build` in the repository root first\n');
    process.exit(2);
  }
  throw e;
}
loaded.runCli(process.argv.slice(2));
