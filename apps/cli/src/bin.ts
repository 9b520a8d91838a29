import { join } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { createBundleLoader, type LoadBundle } from './launcher/bundle-loader.js';
import { compileCacheDir } from './launcher/cache-dir.js';
import type * as Main from './main.js';

// The `codex-oauth` executable. It stays tiny because it is the one file compiled without a code
// cache: it only picks how the bundles are loaded, then hands over to `main.cjs`, which parses
// the command line and loads the one command that runs (see launcher/bundle-loader.ts).

// `__dirname`: this file is only ever run as the CommonJS bundle `dist/cli.cjs`.
const distDir = __dirname;
const cacheDir = compileCacheDir(process.env);

function bundleLoader(): LoadBundle {
  // Node 22.1+ caches compiled code itself; there the bundles are plain `require`s. The version
  // is checked before `node:module` is required: loading it costs ~0.4 ms on Node 20.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 1)) {
    const { enableCompileCache } = require('node:module') as {
      enableCompileCache: (dir?: string) => unknown;
    };
    if (cacheDir !== null) enableCompileCache(cacheDir);
    return (name) => require(join(distDir, `${name}.cjs`));
  }
  return createBundleLoader({ distDir, cacheDir, version: packageJson.version, require });
}

const load = bundleLoader();
const { main } = load('main') as typeof Main;
main(process.argv.slice(2), load).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() reports every error itself; reaching this is a bug in the reporter.
    process.stderr.write(`codex-oauth: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
