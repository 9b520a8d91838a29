import * as nodeModule from 'node:module';
import { compileCacheDir } from './compile-cache-dir.js';

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

// Node 20's V8 (11.x) compiles undici's WebAssembly HTTP parser with TurboFan in the background as
// soon as it parses a response: ~90 ms of CPU for the few answers a command reads, and the process
// cannot exit until that compile ends (a sign-in lingered ~110 ms after printing its result; with
// Liftoff alone, ~10 ms: bench/cli-signin.mjs). A flag of this process only, never the library's;
// newer V8 (Node 22+) compiles WebAssembly lazily and tiers up only hot code, and there the flag
// costs more than it saves. Set before main.js loads, so before undici can.
if (process.versions.v8.startsWith('11.')) {
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
}

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
