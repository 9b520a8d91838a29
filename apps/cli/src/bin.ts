import * as nodeModule from 'node:module';
import { compileCacheDir } from './compile-cache-dir.js';

// Loaded by bin/codex-oauth.js. Node 22.1+ keeps a code cache of every module the CLI loads
// (`module.enableCompileCache`), which must be switched on before those modules are imported,
// hence the dynamic import below. Node 20 has none and compiles on every run (bench/cli-start.mjs).
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
// costs more than it saves.
if (process.versions.v8.startsWith('11.')) {
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
}

try {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // main() reports every error itself; reaching this is a bug in the reporter.
  process.stderr.write(`codex-oauth: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
}
