// What the `status` start-up budget (issue 15) would cost to reach: the CLI's whole `status` path
// (its argument parser and output, core's status, store-file, smol-toml) bundled from the sources
// into ONE file, as an ES module and as CommonJS. Not a build we ship (the CLI runs the published
// packages); a probe that `bench/cli-start.mjs --bundle-probe` measures beside the real CLI, so
// the distance between the plain build and the budget is measured, not guessed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
