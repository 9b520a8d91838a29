#!/usr/bin/env node
// Builds the flock addon from source into native/build/Release/codex_oauth_flock.node, where the
// loader (src/flock-addon.ts, through node-gyp-build) takes it before any prebuild. Nobody needs
// this on linux-x64, where prebuilds ship in the package; elsewhere (darwin, linux-arm64) it is
// the one command the fallback warning names. It is not an install script on purpose: see the
// README's "Prebuilt addon".
//
// It must work offline: nodejs.org may be unreachable, so node-gyp is pointed at the headers that
// ship with this Node (`<prefix>/include/node`) instead of downloading them. A failed build says
// why and exits 1; the package keeps working with the portable lock file.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const log = (message) => process.stderr.write(`@codex-oauth/store-file: ${message}\n`);

if (process.platform === 'win32') {
  log('Windows has no flock(2); the portable lock file will be used.');
  process.exit(0);
}

/**
 * The node-gyp to run: the package manager's own, then the one bundled with this Node's npm, then
 * whatever is on PATH. PATH comes last because inside npm scripts it holds npm's `node-gyp-bin`
 * shim, which runs `node "$npm_config_node_gyp"` and, when that is unset, succeeds doing nothing.
 */
function findNodeGyp() {
  const fromManager = process.env.npm_config_node_gyp;
  if (fromManager && existsSync(fromManager)) {
    return fromManager.endsWith('.js') ? [process.execPath, fromManager] : [fromManager];
  }
  const prefix = dirname(dirname(process.execPath));
  for (const candidate of [
    join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    join(prefix, 'lib/node_modules/pnpm/dist/node_modules/node-gyp/bin/node-gyp.js'),
  ]) {
    if (existsSync(candidate)) return [process.execPath, candidate];
  }
  const probe = spawnSync('node-gyp', ['--version'], { stdio: 'ignore' });
  if (probe.status === 0) return ['node-gyp'];
  return undefined;
}

/** `--nodedir` pointing at the local headers, unless the user already chose a nodedir. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include/node/node_api.h'))) return [`--nodedir=${prefix}`];
  return [];
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) {
  log('node-gyp not found; the flock addon was not built and the portable lock file will be used.');
  process.exit(1);
}
const [command, ...prefixArgs] = nodeGyp;
const args = [...prefixArgs, 'rebuild', '--release', ...nodedirArgs()];
const result = spawnSync(command, args, {
  cwd: nativeDir,
  stdio: ['ignore', 'inherit', 'inherit'],
  // A node-gyp that tries to download headers with no network must not hang.
  timeout: 300_000,
});
// A build that "succeeds" without its output (a shim that ran nothing) is a failure too.
const addon = join(nativeDir, 'build', 'Release', 'codex_oauth_flock.node');
if (result.status !== 0 || !existsSync(addon)) {
  const why =
    result.status !== 0
      ? (result.error?.message ?? `exit ${result.status}`)
      : 'no addon was written';
  log(
    `building the flock addon failed (${why}); ` +
      'the portable lock file will be used. Install python3, make and a C compiler, then run ' +
      'this script again to get kernel locks.',
  );
  process.exit(1);
}
log(`built ${addon}`);
