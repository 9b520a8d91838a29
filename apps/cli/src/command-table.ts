import type { Command } from './args.js';
import type { CommandRun } from './context.js';

// `require()` of an ES module where Node has it (20.19+, 22.12+), as bin.ts loads main.js: one
// command's graph read synchronously instead of through the asynchronous loader
// (bench/trade-offs.md). `process.getBuiltinModule`, not an `import` of node:module, whose ES
// facade costs a few modules of start-up.
const requireModule = process.features.require_module
  ? process.getBuiltinModule('node:module').createRequire(import.meta.url)
  : undefined;

/**
 * Loads `dist/commands/<name>.js`, beside this module once built. The path is a string, not an
 * `import('./commands/…')` the bundler would follow: each command is its own self-contained entry
 * of the build (apps/cli/tsup.config.ts), not code to pull into main.js.
 */
async function command<K extends string>(name: string, exportName: K): Promise<CommandRun> {
  const path = `./commands/${name}.js`;
  const module = (
    requireModule ? requireModule(path) : await import(new URL(path, import.meta.url).href)
  ) as Record<K, CommandRun>;
  return module[exportName];
}

/**
 * Where each command's code lives. Each is its own module (`dist/commands/<name>.js`), loaded
 * only when it runs: `--help` loads none, and `status` never loads the network stack, the
 * loopback server or the QR renderer. A new command is one line here (and its entry in `args.ts`
 * and the COMMANDS list of apps/cli/tsup.config.ts).
 */
export const COMMAND_TABLE: Record<Command, () => Promise<CommandRun>> = {
  login: () => command('login', 'login'),
  status: () => command('status', 'status'),
  refresh: () => command('refresh', 'refresh'),
  token: () => command('token', 'token'),
  logout: () => command('logout', 'logout'),
  doctor: () => command('doctor', 'doctor'),
  'keep-fresh': () => command('keep-fresh', 'keepFresh'),
  accounts: () => command('accounts', 'accounts'),
  switch: () => command('switch', 'switchTo'),
};
