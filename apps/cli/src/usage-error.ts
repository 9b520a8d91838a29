/** The brand every copy of {@link UsageError} sets (one copy per built command module). */
const USAGE_ERROR = Symbol.for('codex-oauth.cli.UsageError');

/**
 * What a usage error can suggest instead of what was typed: the closest of `candidates`, shown as
 * `format(match)` (`Did you mean "login"?`). Worked out only when the error is reported, by
 * {@link withSuggestion}, so parsing a correct command line never loads the edit-distance code.
 */
export interface SuggestionRequest {
  /** What was typed (a command, a flag's name, a value). */
  readonly word: string;
  /** What it could have meant. */
  readonly candidates: readonly string[];
  /** The sentence to append for the closest match. */
  readonly format: (match: string) => string;
}

/**
 * A command line the CLI cannot run: an unknown command or flag, a flag the command does not take,
 * a bad value. Reported as `CODEX_OAUTH_INVALID_OPTION` with exit code 2 and a pointer to `--help`.
 */
export class UsageError extends Error {
  /** The command whose help to point at, when known. */
  readonly command: string | undefined;
  /** A "did you mean" to add to the message when the error is reported. */
  readonly suggestion: SuggestionRequest | undefined;

  constructor(message: string, command?: string, suggestion?: SuggestionRequest) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
    this.suggestion = suggestion;
    (this as { [USAGE_ERROR]?: true })[USAGE_ERROR] = true;
  }

  // Each built command module holds its own copy of this class (apps/cli/tsup.config.ts), so
  // `instanceof` asks for the brand every copy sets, not for this copy's prototype.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && USAGE_ERROR in value;
  }
}

/**
 * `error` with its "did you mean" appended, when it is a {@link UsageError} that asks for one and
 * something typed is close enough. The edit-distance code (`suggest.ts`, the `leven` package) is
 * loaded here, on the error path only: `codex-oauth status` and every correct command line start
 * without it.
 */
export async function withSuggestion(error: unknown): Promise<unknown> {
  if (!(error instanceof UsageError) || error.suggestion === undefined) return error;
  const { word, candidates, format } = error.suggestion;
  const { closestMatch } = await import('./suggest.js');
  const match = await closestMatch(word, candidates);
  if (match !== undefined) error.message = `${error.message} ${format(match)}`;
  return error;
}
