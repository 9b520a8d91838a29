// What the `status` start-up budget (issue 15) would cost to reach: the CLI's whole `status` path
// (its argument parser and output, core's status, store-file, smol-toml) bundled from the sources
// into ONE file, as an ES module and as CommonJS. Not a build we ship (the CLI runs the published
// packages); a probe that `bench/cli-start.mjs --bundle-probe` measures beside the real CLI, so
// the distance between the plain build and the budget is measured, not guessed. Beside them, a
// chain of as many empty ES modules as `status` loads (`buildEmptyModuleChain`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';

/**
 * Builds the two probe files into `dir` with the esbuild that tsup uses and returns their paths
 * (`esm`: run through a one-line CommonJS launcher, as bin/codex-oauth.js runs the CLI; `cjs`).
 */
export async function buildStatusBundles(root, dir) {
  const fromTsup = createRequire(createRequire(join(root, 'package.json')).resolve('tsup'));
  const esbuild = fromTsup('esbuild');
  const cliSrc = join(root, 'apps/cli/src');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { main } from ${JSON.stringify(join(cliSrc, 'main.ts'))};\n` +
      'main(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n',
  );
  // main.ts finds each command by a path at run time; here `status` is imported statically so
  // that it lands in the one file.
  const staticStatus = {
    name: 'static-status',
    setup(build) {
      build.onResolve({ filter: /\/command-table\.js$/ }, () => ({
        path: 'command-table',
        namespace: 'probe',
      }));
      build.onLoad({ filter: /.*/, namespace: 'probe' }, () => ({
        contents: `import { status } from ${JSON.stringify(join(cliSrc, 'commands/status.ts'))};
          export const COMMAND_TABLE = { status: async () => status };`,
        loader: 'ts',
        resolveDir: cliSrc,
      }));
    },
  };
  const common = {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    plugins: [staticStatus],
    // Never loaded by `status` on a file store; left out as the CLI leaves them to node_modules.
    external: [
      '@codex-oauth/store-keyring',
      '@codex-oauth/store-redis',
      '@codex-oauth/store-memory',
      'undici',
      'redis',
    ],
    // store-file finds its addon beside its own dist/; the probe points it there.
    define: { 'import.meta.dirname': JSON.stringify(join(root, 'packages/store-file/dist')) },
  };
  const esm = join(dir, 'status.mjs');
  const cjs = join(dir, 'status.cjs');
  await esbuild.build({ ...common, format: 'esm', outfile: esm });
  await esbuild.build({
    ...common,
    format: 'cjs',
    outfile: cjs,
    define: { ...common.define, 'import.meta.url': '__probeUrl' },
    banner: { js: 'const __probeUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  const launcher = join(dir, 'launch-esm.cjs');
  writeFileSync(launcher, `require(${JSON.stringify(esm)});\n`);
  return { esm: launcher, cjs };
}

// `import ... from '...'`, `export ... from '...'` and `import '...'` at the start of a line: the
// static imports of a tsup/esbuild dist file (dynamic `import()`s are left out: `status` does not
// take them on a file store, and main.js takes the command's own with one).
const STATIC_IMPORT = /^(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]/gm;

/**
 * The ES module files `status` loads from the built CLI: main.js and commands/status.js and what
 * they import statically, followed through the workspace packages' `exports` (built-ins left
 * out). A static walk, so it counts what the graph holds, not what one run happened to load.
 */
export function statusModuleFiles(root) {
  const cliDist = join(root, 'apps/cli/dist');
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const require = createRequire(file);
    for (const [, specifier] of source.matchAll(STATIC_IMPORT)) {
      if (isBuiltin(specifier)) continue;
      walk(require.resolve(specifier));
    }
  };
  walk(join(cliDist, 'main.js'));
  walk(join(cliDist, 'commands/status.js'));
  return [...seen];
}

/**
 * A chain of `count` empty ES modules, started as the CLI starts its own (a CommonJS launcher that
 * switches on the compile cache where Node has one, then `require()`s the first): what loading
 * that many modules costs before any of them does anything. Returns the launcher's path.
 */
export function buildEmptyModuleChain(dir, count) {
  const chain = join(dir, 'chain');
  mkdirSync(chain, { recursive: true });
  writeFileSync(join(chain, 'package.json'), '{ "type": "module" }\n');
  for (let i = 1; i <= count; i++) {
    const next = i < count ? `import './m${i + 1}.js';\n` : '';
    writeFileSync(join(chain, `m${i}.js`), `${next}export const m${i} = ${i};\n`);
  }
  const launcher = join(dir, 'launch-chain.cjs');
  writeFileSync(
    launcher,
    `require('node:module').enableCompileCache?.(${JSON.stringify(join(dir, 'compile-cache'))});\n` +
      `require(${JSON.stringify(join(chain, 'm1.js'))});\n`,
  );
  return launcher;
}
