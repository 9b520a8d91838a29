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
  }
}
