import type { Flags } from './args.js';
import type { ExitCode } from './error-table.js';
import type { Output } from './ui/output.js';

/** What every command receives. */
export interface Context {
  readonly flags: Flags;
  readonly out: Output;
  /** The process environment (commands read `CODEX_OAUTH_ISSUER`, `BROWSER`, ... from it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted by the first Ctrl-C; commands pass it to the session API. */
  readonly signal: AbortSignal;
  /** Runs `fn` once the command is done (a Redis store closes its connections there). */
  readonly atExit?: (fn: () => Promise<void>) => void;
}

/** A command: runs, reports, and returns the exit code (errors are thrown and reported by main). */
export type CommandRun = (ctx: Context) => Promise<ExitCode>;
