import { cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// Node built-ins that cost real start-up time to load (node:crypto ~2.5 ms, node:fs/promises
// ~1.3 ms because it loads readline, node:module ~0.5 ms, node:net, node:http, ...) while
// `status` and `--help` only reach them in code they never run. Each import of one is served by a
// generated module whose functions load the built-in on their first call (classes too: `new` is
// forwarded). Only functions are offered: importing a value such as `os.EOL` through it fails
// the build (esbuild: "No matching export") instead of loading eagerly; import it from `node:os`
// via `require` then. The wrappers carry no properties of the originals, so util.promisify()
// of one (which looks for `promisify.custom`) would miss Node's own promise version: our code
// uses none. The names come from the built-in at build time; esbuild drops the unused ones.
const LAZY_BUILTINS = [
  'child_process',
  'crypto',
  'fs/promises',
  'http',
  'module',
  'net',
  'os',
  'timers/promises',
];

function lazyBuiltinSource(name: string): string {
  const builtin = createRequire(import.meta.url)(`node:${name}`) as Record<string, unknown>;
  const functions = Object.keys(builtin).filter(
    (key) => typeof builtin[key] === 'function' && /^[A-Za-z_$][\w$]*$/.test(key),
  );
  return [
    'let loaded;',
    `const load = () => (loaded ??= require('node:${name}'));`,
    ...functions.map(
      (fn) =>
        // `new` builds the real class (not `new.target`: the instance needs its prototype).
        `export function ${fn}(...args) { return new.target ? Reflect.construct(load().${fn}, args) : load().${fn}.apply(this, args); }`,
    ),
  ].join('\n');
}

const lazyBuiltins: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'lazy-node-builtins',
  setup(build) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.kind === 'import-statement'
        ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: lazyBuiltinSource(args.path),
      loader: 'js',
    }));
  },
};

const IMPORT_META_URL_SHIM = join(import.meta.dirname, 'build-support', 'import-meta-url.js');

const COMMANDS = [
  'login',
  'status',
  'refresh',
  'token',
  'logout',
  'authorize-url',
  'doctor',
  'keep-fresh',
  'accounts',
  'switch',
];

const packagesDir = join(import.meta.dirname, '..', '..', 'packages');
const WORKSPACE_SOURCES = Object.fromEntries(
  [
    'core',
    'env-detect',
    'net-ca',
    'store-file',
    'store-keyring',
    'store-memory',
    'store-redis',
  ].map((name) => [`@codex-oauth/${name}`, join(packagesDir, name, 'src', 'index.ts')]),
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
      cli: 'src/bin.ts',
      main: 'src/main.ts',
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
      // the built-ins before the lazy-builtins plugin below sees them, so externals are listed here.
      skipNodeModulesBundle: false,
      removeNodeProtocol: false,
      // node-redis is loaded only by `--storage redis`, from node_modules (never at start-up);
      // @napi-rs/keyring loads a prebuilt .node for the platform: it stays in node_modules, and
      // store-keyring requires it only when the keyring is used.
      external: ['undici', 'ci-info', 'redis', '@napi-rs/keyring'],
      // One self-contained bundle per command instead of shared chunks: esbuild assigns code to
      // chunks by file reachability, and through core's `index.ts` barrel every file of core is
      // "reachable" from every command, which put the loopback server, the flows and their Node
      // built-ins into the chunk `status` loads. Separate bundles are tree-shaken per command.
      splitting: false,
      // esbuild's own tree shaking suffices; tsup's extra rollup pass would hoist every
      // require() to the top of the bundle, undoing the lazy loading of undici and uqr.
      treeshake: false,
      // `import.meta.dirname` (store-file's addon path) becomes the bundle's `__dirname`, and
      // `import.meta.url` (env-detect's createRequire) its file URL, computed when first read
      // (build-support/import-meta-url.js).
      shims: false,
      // Lazy commands load with require(), not import(): a dynamic import() would start the ESM
      // loader that the CommonJS format avoids.
      esbuildOptions(options) {
        options.supported = { ...options.supported, 'dynamic-import': false };
        // Bundle our packages from their sources, not their single-file dist: esbuild splits
        // chunks at module boundaries, so only from the sources does `status` leave the loopback
        // server, the flows and their Node built-ins to the chunks of the commands that use them.
        options.alias = { ...options.alias, ...WORKSPACE_SOURCES };
        options.define = {
          ...options.define,
          'import.meta.url': '__codexOAuthImportMeta.url',
          'import.meta.dirname': '__dirname',
        };
        options.inject = [...(options.inject ?? []), IMPORT_META_URL_SHIM];
      },
      dts: false,
      sourcemap: false,
      banner: { js: '#!/usr/bin/env node' },
      esbuildPlugins: [lazyBuiltins],
      onSuccess: copyFlockAddon,
    },
  ),
);
