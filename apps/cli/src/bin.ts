import * as nodeModule from 'node:module';
import { compileCacheDir } from './compile-cache-dir.js';
import { liftoffOnFirstConnection } from './liftoff-on-first-connection.js';

// Built as CommonJS (`dist/cli.cjs`), and loaded by bin/codex-oauth.js, which is CommonJS too
// (bin/package.json): Node 20 starts an ES module entry through its asynchronous loader, which
// reads every file of the graph with fs/promises, one thread-pool round trip after another, and
// that was most of `status`'s start-up there. From CommonJS, `require()` of the ES modules in
// dist/ (Node 20.19+, 22.12+: `process.features.require_module`) loads the same graph with
// synchronous reads; elsewhere (Node 22.0–22.11) it falls back to `import()`. bench/trade-offs.md.
//
// Node 22.1+ keeps a code cache of every module the CLI loads (`module.enableCompileCache`),
// which must be switched on before those modules are loaded, hence loading main.js here.
const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown })
  .enableCompileCache;
if (enableCompileCache) {
  const dir = compileCacheDir(process.env);
  if (dir !== null) enableCompileCache(dir);
}

liftoffOnFirstConnection();

type MainModule = typeof import('./main.js');
const mainModule: Promise<MainModule> = process.features.require_module
  ? new Promise((resolve) => resolve(require('./main.js') as MainModule))
  : import('./main.js');

mainModule
  .then(({ main }) => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // main() reports every error itself; reaching this is a bug in the reporter.
      process.stderr.write(
        `codex-oauth: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
