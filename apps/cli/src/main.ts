import { createRequire } from 'node:module';
import packageJson from '../package.json' with { type: 'json' };
import { type Command, parseCommandLine } from './args.js';
import type { CommandRun, Context } from './context.js';
import { Exit, type ExitCode, reportFor } from './error-table.js';
import { helpText } from './help.js';
import { createOutput } from './ui/output.js';

/** The version printed by `--version`. */
export const VERSION: string = packageJson.version;

// Each command is its own bundle (`dist/commands/<name>.cjs`, see tsup.config.ts), required only
// when it runs: `--help` loads none, `status` never loads the network stack or the QR renderer.
const EXPORTS: Record<Command, string> = {
  login: 'login',
  status: 'status',
  refresh: 'refresh',
  token: 'token',
  logout: 'logout',
  'authorize-url': 'authorizeUrl',
  doctor: 'doctor',
};

function load(command: Command): CommandRun {
  const requireHere = createRequire(import.meta.url);
  const mod = requireHere(`./commands/${command}.cjs`) as Record<string, CommandRun>;
  return mod[EXPORTS[command]] as CommandRun;
}

/**
 * Runs `codex-oauth` with `argv` and returns the exit code. Every error ends here and is
 * reported once, through the table in `error-table.ts`.
 */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const out = createOutput(argv.includes('--json'));
  const controller = new AbortController();
  // First Ctrl-C: cancel the running command (a login frees its port and ends with
  // LOGIN_CANCELLED). A second one: leave at once.
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(Exit.CANCELLED);
    controller.abort();
  };
  try {
    const invocation = parseCommandLine(argv);
    if (invocation.kind === 'version') {
      out.stdout(VERSION);
      return Exit.OK;
    }
    if (invocation.kind === 'help') {
      out.stdout(helpText(invocation.command));
      return Exit.OK;
    }
    process.on('SIGINT', onSigint);
    const run = load(invocation.command);
    const ctx: Context = {
      flags: invocation.flags,
      out,
      env: process.env,
      signal: controller.signal,
    };
    return await run(ctx);
  } catch (error) {
    const report = reportFor(error);
    out.error(report);
    if (process.env.CODEX_OAUTH_DEBUG && error instanceof Error) out.line(error.stack);
    return report.exit;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
