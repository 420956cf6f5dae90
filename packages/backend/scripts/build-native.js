#!/usr/bin/env node
/*
 * Builds the optional native addon (convolutions, batch-norm passes) (native/conv.c -> dist/native/afl_native.node)
 * with the system C compiler, Node's headers and OpenBLAS (Debian: apt-get install libopenblas-dev).
 * Never fails the build: without a compiler, headers or OpenBLAS it writes why to
 * dist/native/build.log and @afl/backend uses its tfjs kernels instead.
 * AFL_NATIVE=0 skips it; AFL_REQUIRE_NATIVE=1 makes a failed build an error (CI).
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const outDir = path.join(root, 'dist', 'native');
const out = path.join(outDir, 'afl_native.node');
const log = path.join(outDir, 'build.log');
const hostFile = path.join(outDir, 'host.json');
const src = path.join(root, 'native', 'conv.c');
const stampFile = path.join(outDir, 'toolchain.json');

/** What the addon was compiled for (-march=native): checked before loading it (native-addon.ts). */
function hostSignature() {
  let flags = '';
  try {
    flags = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m) || ['', ''])[1].trim();
  } catch {
    // not Linux: the model name alone
  }
  return { platform: process.platform, arch: process.arch, cpu: os.cpus()[0]?.model ?? '', flags };
}

function finish(ok, message) {
  fs.writeFileSync(log, `${message}\n`);
  if (ok && fs.existsSync(out)) {
    fs.writeFileSync(hostFile, JSON.stringify(hostSignature()));
    fs.writeFileSync(stampFile, toolchainStamp());
  }
  console.log(`[afl/backend] native kernels: ${message}`);
  if (!ok && process.env.AFL_REQUIRE_NATIVE === '1') {
    console.error('[afl/backend] AFL_REQUIRE_NATIVE=1 but the native addon could not be built');
    process.exit(1);
  }
}

function nodeHeaders() {
  const dirs = [process.env.npm_config_nodedir, path.resolve(process.execPath, '..', '..')]
    .filter(Boolean).map((d) => path.join(d, 'include', 'node'));
  return dirs.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
}

function compile(flags) {
  const cc = process.env.CC || 'cc';
  const darwin = process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [];
  execFileSync(cc, [...flags, '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=afl_native', `-I${nodeHeaders()}`,
    src, '-o', out, ...darwin, '-lopenblas'], { stdio: 'pipe' });
}

/**
 * What a build depends on beyond the package's files: the compiler, OpenBLAS's header and library, Node's headers and
 * the environment switches. turbo does not cache this package's build (turbo.json), so installing OpenBLAS or a
 * compiler after a first build takes effect at the next `npm run build`; an unchanged toolchain reuses the addon.
 */
function toolchainStamp() {
  const cc = process.env.CC || 'cc';
  let ccVersion = 'none';
  try {
    ccVersion = execFileSync(cc, ['--version'], { stdio: 'pipe' }).toString().split('\n')[0];
  } catch {
    // no compiler
  }
  const files = ['/usr/include/cblas.h', '/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/openblas/cblas.h',
    '/usr/lib/x86_64-linux-gnu/libopenblas.so', '/usr/lib/libopenblas.so'];
  const present = files.filter((f) => fs.existsSync(f)).map((f) => `${f}@${fs.statSync(f).mtimeMs}`);
  const sources = fs.readdirSync(path.join(root, 'native')).sort()
    .map((f) => `${f}:${require('crypto').createHash('sha256').update(fs.readFileSync(path.join(root, 'native', f))).digest('hex')}`);
  return JSON.stringify({ ccVersion, present, sources, node: process.version, headers: nodeHeaders() ?? null,
    native: process.env.AFL_NATIVE ?? '', host: hostSignature(), script: fs.statSync(__filename).mtimeMs });
}

function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = toolchainStamp();
  if (fs.existsSync(out) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp && fs.existsSync(log)) {
    console.log(`[afl/backend] native kernels: ${fs.readFileSync(log, 'utf8').trim()} (toolchain unchanged, not rebuilt)`);
    return;
  }
  fs.rmSync(stampFile, { force: true });
  fs.rmSync(out, { force: true });
  fs.rmSync(hostFile, { force: true });
  if (process.env.AFL_NATIVE === '0') return finish(true, 'not built (AFL_NATIVE=0)');
  if (nodeHeaders() == null) return finish(false, 'not built: Node headers (include/node/node_api.h) not found');
  let firstError = '';
  for (const flags of [['-O3', '-march=native', '-fopenmp'], ['-O3', '-march=native'], ['-O3']]) {
    try {
      compile(flags);
      execFileSync(process.execPath, ['-e', `require(${JSON.stringify(out)}).setThreads(0)`], { stdio: 'pipe' });
      return finish(true, `built with ${flags.join(' ')} against OpenBLAS`);
    } catch (e) {
      fs.rmSync(out, { force: true });
      if (!firstError) firstError = String(e.stderr || e.message).trim().split('\n').slice(-3).join(' ').slice(0, 300);
    }
  }
  return finish(false, `not built (needs a C compiler and OpenBLAS, e.g. apt-get install libopenblas-dev): ${firstError}`);
}

main();
