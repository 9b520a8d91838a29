import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// `dist/cli.js` (what bin/codex-oauth.js runs), `dist/main.js` (the command line), and one module
// per command, imported by `src/command-table.ts` only when it runs. Our packages and every other
// dependency stay in node_modules (the shared rule), so the CLI runs the same published code as
// any other program using them; code shared by two commands lands in a chunk beside them.
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

export default defineConfig(
  packageBuild(
    {
      cli: 'src/bin.ts',
      main: 'src/main.ts',
      ...Object.fromEntries(
        COMMANDS.map((name) => [`commands/${name}`, `src/commands/${name}.ts`]),
      ),
    },
    { splitting: true, dts: false, sourcemap: false },
  ),
);
