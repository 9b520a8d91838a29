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

try {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // main() reports every error itself; reaching this is a bug in the reporter.
  process.stderr.write(`codex-oauth: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
}
