import type { Command } from './args.js';
import type { CommandRun } from './context.js';

/**
 * Where each command's code lives. Each is its own module (`dist/commands/<name>.js`), imported
 * only when it runs: `--help` loads none, and `status` never loads the network stack, the
 * loopback server or the QR renderer. A new command is one line here (and its entry in `args.ts`).
 */
export const COMMAND_TABLE: Record<Command, () => Promise<CommandRun>> = {
  login: async () => (await import('./commands/login.js')).login,
  status: async () => (await import('./commands/status.js')).status,
  refresh: async () => (await import('./commands/refresh.js')).refresh,
  token: async () => (await import('./commands/token.js')).token,
  logout: async () => (await import('./commands/logout.js')).logout,
  doctor: async () => (await import('./commands/doctor.js')).doctor,
  'keep-fresh': async () => (await import('./commands/keep-fresh.js')).keepFresh,
  accounts: async () => (await import('./commands/accounts.js')).accounts,
  switch: async () => (await import('./commands/switch.js')).switchTo,
};
