/** The brand every copy of {@link UsageError} sets (one copy per built command module). */
const USAGE_ERROR = Symbol.for('codex-oauth.cli.UsageError');

/**
 * A command line the CLI cannot run: an unknown command or flag, a flag the command does not take,
 * a bad value. Reported as `CODEX_OAUTH_INVALID_OPTION` with exit code 2 and a pointer to `--help`.
 */
export class UsageError extends Error {
  /** The command whose help to point at, when known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
    (this as { [USAGE_ERROR]?: true })[USAGE_ERROR] = true;
  }

  // Each built command module holds its own copy of this class (apps/cli/tsup.config.ts), so
  // `instanceof` asks for the brand every copy sets, not for this copy's prototype.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && USAGE_ERROR in value;
  }
}
