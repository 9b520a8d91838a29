#!/usr/bin/env node
// Builds the flock addon's prebuilds, `native/prebuilds/linux-x64/node.napi.{glibc,musl}.node`,
// which ship inside the package so that installing it needs no compiler and runs no install
// script (see the README's "Prebuilt addon"). Run by the package's `build` (turbo caches it on
// native/**), so a fresh clone and CI make them the same way; `--check` fails unless every
// prebuild was made (the release check asserts the tarball too).
//
// prebuildify runs node-gyp once per libc in a scratch copy of native/ (node-gyp always writes
// `build/` beside binding.gyp, and node-gyp-build would prefer a stray build/Release over the
// prebuilds). Node-API 8 means one binary serves every Node major (20, 22, 24). The headers are
// this Node's own (`<prefix>/include/node`), so nothing is downloaded. node-gyp's chatter is kept
// and printed only when a build fails.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const log = (message) => process.stderr.write(`@codex-oauth/store-file prebuild: ${message}\n`);
const strict = process.argv.includes('--check');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  // Prebuilds are made for linux-x64 only; elsewhere the package builds from source on request.
  log(`no prebuilds are made on ${process.platform}-${process.arch}`);
  process.exit(strict ? 1 : 0);
}

const require = createRequire(import.meta.url);
const prebuildify = join(dirname(require.resolve('prebuildify/package.json')), 'bin.js');
const nodeGypDir = dirname(require.resolve('node-gyp/package.json'));
const prefix = dirname(dirname(process.execPath));
const headers = existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined;

/** A compiler for `libc`, or undefined when this machine has none. */
function compilerFor(libc) {
  const cc = libc === 'musl' ? 'musl-gcc' : process.env.CC || 'cc';
  return spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0 ? cc : undefined;
}

const out = join(nativeDir, 'prebuilds');
rmSync(out, { recursive: true, force: true });
const made = [];
const missing = [];
for (const libc of ['glibc', 'musl']) {
  const cc = compilerFor(libc);
  if (!cc) {
    missing.push(`${libc} (no ${libc === 'musl' ? 'musl-gcc: apt-get install musl-tools' : 'cc'})`);
    continue;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'codex-oauth-prebuild-'));
  try {
    for (const file of ['binding.gyp', 'flock.c'])
      cpSync(join(nativeDir, file), join(scratch, file));
    const result = spawnSync(
      process.execPath,
      [
        prebuildify,
        '--napi',
        '--name=node.napi',
        '--strip',
        '--tag-libc',
        `--libc=${libc}`,
        `--out=${nativeDir}`,
      ],
      {
        cwd: scratch,
        encoding: 'utf8',
        env: {
          ...process.env,
          // gyp's Makefile links with $(CXX): musl needs the same wrapper for every step.
          CC: cc,
          CXX: cc,
          LINK: cc,
          PREBUILD_NODE_GYP: join(nodeGypDir, 'bin', 'node-gyp.js'),
          ...(headers && { npm_config_nodedir: headers }),
          npm_config_loglevel: 'warn',
        },
        timeout: 300_000,
      },
    );
    if (result.status === 0) made.push(libc);
    else {
      missing.push(`${libc} (build failed)`);
      process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const files = existsSync(join(out, 'linux-x64')) ? readdirSync(join(out, 'linux-x64')) : [];
log(`made ${files.map((f) => `linux-x64/${f}`).join(', ') || 'nothing'}`);
if (missing.length > 0) {
  log(`not made: ${missing.join(', ')}; those installs fall back to the portable lock file`);
  if (strict) process.exit(1);
}
