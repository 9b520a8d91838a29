import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// `dist/main.js` (the command line) and one module per command, loaded by `src/command-table.ts`
// only when it runs. Our packages and every other dependency stay in node_modules (the shared
// rule), so the CLI runs the same published code as any other program using them. No shared
// chunks: each command file holds the CLI code it needs (one process runs one command), because
// on Node 20 every extra file of the start-up graph costs a resolution, a read and a compile
// (bench/trade-offs.md). The one class whose identity crosses files, UsageError, is branded.
const COMMANDS = [
  'login',
  'status',
  'refresh',
  'token',
  'logout',
  'doctor',
  'keep-fresh',
  'accounts',
  'switch',
];

export default defineConfig([
  packageBuild(
    {
      main: 'src/main.ts',
      ...Object.fromEntries(
        COMMANDS.map((name) => [`commands/${name}`, `src/commands/${name}.ts`]),
      ),
    },
    { splitting: false, dts: false, sourcemap: false },
  ),
  // `dist/cli.cjs`, what bin/codex-oauth.js runs: the one CommonJS file, so that Node 20 loads
  // the ES modules above through `require()` (src/bin.ts). Built after the ESM build (which
  // cleans dist/), with main.js left to the other build.
  packageBuild(
    { cli: 'src/bin.ts' },
    {
      format: ['cjs'],
      outExtension: () => ({ js: '.cjs' }),
      external: ['./main.js'],
      clean: false,
      dts: false,
      sourcemap: false,
    },
  ),
]);
