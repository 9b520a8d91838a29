import packageJson from '../package.json' with { type: 'json' };
import { parseCommandLine } from './args.js';
import { COMMAND_TABLE } from './command-table.js';
import type { Context } from './context.js';
import { Exit, type ExitCode, reportFor } from './error-table.js';
import { helpText } from './help.js';
import { createOutput } from './ui/output.js';
import { withSuggestion } from './usage-error.js';

/** The version printed by `--version`. */
export const VERSION: string = packageJson.version;

/**
 * Runs `codex-oauth` with `argv` and returns the exit code. Every error ends here and is
 * reported once, through the table in `error-table.ts`.
 */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const out = createOutput(argv.includes('--json'));
  // Ctrl-C is handled once a command asks for the signal (every command that waits does): the
  // first cancels it (a login frees its port and ends with LOGIN_CANCELLED), a second leaves at
  // once. Until then Node's default applies, which ends the process as the handler would. Made
  // on demand because `status` never asks, and the AbortController and the signal handler cost
  // ~0.5 ms of its start-up.
  let controller: AbortController | undefined;
  const atExit: (() => Promise<void>)[] = [];
  const onSigint = () => {
    if (controller === undefined || controller.signal.aborted) process.exit(Exit.CANCELLED);
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
    const run = await COMMAND_TABLE[invocation.command]();
    const ctx: Context = {
      flags: invocation.flags,
      out,
      env: process.env,
      atExit: (fn) => atExit.push(fn),
      get signal() {
        if (controller === undefined) {
          controller = new AbortController();
          process.on('SIGINT', onSigint);
        }
        return controller.signal;
      },
    };
    return await run(ctx);
  } catch (error) {
    const report = reportFor(await withSuggestion(error));
    out.error(report);
    if (process.env.CODEX_OAUTH_DEBUG && error instanceof Error) out.line(error.stack);
    return report.exit;
  } finally {
    process.off('SIGINT', onSigint);
    await Promise.allSettled(atExit.map((fn) => fn()));
  }
}
