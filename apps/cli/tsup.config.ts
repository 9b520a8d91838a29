import { cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// node:crypto costs ~2.5 ms to load, about 10% of a bare `node -e 0`, and `status` only needs it
// in code it never runs (store-file's temp-file and lock-owner names). Every import of it is
// served by this module instead, which loads node:crypto on the first call. Only the names our
// packages import are provided; a new one fails the build (esbuild: "No matching export").
const LAZY_CRYPTO = `
let crypto;
const load = () => (crypto ??= require('node:crypto'));
export const randomBytes = (...args) => load().randomBytes(...args);
export const createHash = (...args) => load().createHash(...args);
export const timingSafeEqual = (...args) => load().timingSafeEqual(...args);
export const X509Certificate = new Proxy(function X509Certificate() {}, {
  construct: (_, args) => new (load().X509Certificate)(...args),
});
`;

const lazyCrypto: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'lazy-node-crypto',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.kind === 'import-statement' ? { path: 'crypto', namespace: 'lazy-crypto' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: LAZY_CRYPTO,
      loader: 'js',
    }));
  },
};

const COMMANDS = ['login', 'status', 'refresh', 'token', 'logout', 'authorize-url', 'doctor'];

const packagesDir = join(import.meta.dirname, '..', '..', 'packages');
const WORKSPACE_SOURCES = Object.fromEntries(
  ['core', 'env-detect', 'net-ca', 'store-file', 'store-memory'].map((name) => [
    `@codex-oauth/${name}`,
    join(packagesDir, name, 'src', 'index.ts'),
  ]),
);

// store-file loads its flock addon from `../build/Release/` relative to its module. Bundled, that
// module is a command bundle in `dist/commands/`, so the addon is copied to `dist/build/Release/`.
async function copyFlockAddon(): Promise<void> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@codex-oauth/store-file/package.json'));
  // Command bundles live in dist/commands/, so `../build/Release/` is dist/build/Release/.
  const target = join(import.meta.dirname, 'dist', 'build', 'Release');
  await mkdir(target, { recursive: true });
  await cp(
    join(root, 'build', 'Release', 'codex_oauth_flock.node'),
    join(target, 'codex_oauth_flock.node'),
  ).catch((error: unknown) =>
    console.warn(`flock addon not copied (${String(error)}); locks fall back`),
  );
}

export default defineConfig(
  packageBuild(
    {
      cli: 'src/cli.ts',
      ...Object.fromEntries(
        COMMANDS.map((name) => [`commands/${name}`, `src/commands/${name}.ts`]),
      ),
    },
    {
      // CommonJS on purpose: on Node 20 merely starting the ESM loader costs about a third of a
      // bare `node -e 0` (bench/cli-start.mjs), more than the whole start-up budget of `status`.
      // So the command is CommonJS, and everything it runs at start-up is bundled into it: our
      // packages and the ESM-only libraries (oauth4webapi, smol-toml, uqr), which would otherwise
      // start the ESM loader through require(esm). undici (loaded only for network commands) and
      // ci-info (CommonJS, read through createRequire) stay in node_modules.
      format: ['cjs'],
      noExternal: [/^@codex-oauth\//, 'oauth4webapi', 'smol-toml', 'uqr'],
      // The shared "externalise node_modules" rule and tsup's node: rewrite would resolve
      // node:crypto before the lazy-crypto plugin below sees it, so externals are listed here.
      skipNodeModulesBundle: false,
      removeNodeProtocol: false,
      external: ['undici', 'ci-info'],
      // One self-contained bundle per command instead of shared chunks: esbuild assigns code to
      // chunks by file reachability, and through core's `index.ts` barrel every file of core is
      // "reachable" from every command, which put the loopback server, the flows and their Node
      // built-ins into the chunk `status` loads. Separate bundles are tree-shaken per command.
      splitting: false,
      // esbuild's own tree shaking suffices; tsup's extra rollup pass would hoist every
      // require() to the top of the bundle, undoing the lazy loading of undici and uqr.
      treeshake: false,
      // `import.meta.url` (store-file's addon path, env-detect's createRequire) becomes the
      // chunk's file URL.
      shims: true,
      // Lazy commands load with require(), not import(): a dynamic import() would start the ESM
      // loader that the CommonJS format avoids.
      esbuildOptions(options) {
        options.supported = { ...options.supported, 'dynamic-import': false };
        // Bundle our packages from their sources, not their single-file dist: esbuild splits
        // chunks at module boundaries, so only from the sources does `status` leave the loopback
        // server, the flows and their Node built-ins to the chunks of the commands that use them.
        options.alias = { ...options.alias, ...WORKSPACE_SOURCES };
      },
      dts: false,
      sourcemap: false,
      banner: { js: '#!/usr/bin/env node' },
      esbuildPlugins: [lazyCrypto],
      onSuccess: copyFlockAddon,
    },
  ),
);
