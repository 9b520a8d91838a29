import type { Report } from '../error-table.js';
import { type Colors, colorEnabled, createColors } from './colors.js';
import { type Spinner, startSpinner } from './spinner.js';
import { isTerminal, writeAll } from './terminal.js';

/**
 * Where a command writes. People read stderr (status lines, spinner, warnings); programs read
 * stdout, which carries only the `--json` document (or `keep-fresh`'s JSON lines) and the token of
 * `token`.
 */
export interface Output {
  /** Styles for stderr. */
  readonly c: Colors;
  /** stderr is a terminal (spinner animates, QR code is drawn). */
  readonly tty: boolean;
  /** `--json` was given: human lines are kept short and stdout holds one document. */
  readonly json: boolean;
  /** A line for people, on stderr. */
  line(text?: string): void;
  /** A warning line on stderr (yellow `!`). */
  warn(text: string): void;
  /** A success line on stderr (green `✓`). */
  success(text: string): void;
  /** The machine-readable result: exactly one JSON document on stdout. */
  document(value: unknown): void;
  /** Plain text on stdout (the token, a JSON line), with a newline. */
  stdout(text: string): void;
  /** A spinner on stderr while waiting. */
  spinner(text: string): Spinner;
  /**
   * An error as people read it (its message, then the code), on stderr; with `--json` also
   * `{ error: { code, title, message } }` on stdout.
   */
  error(report: Report): void;
}

/** A destination of text: the CLI writes to file descriptors 1 and 2 (see `terminal.ts`). */
export interface Sink {
  write(text: string): void;
  readonly isTTY: boolean;
}

function fdSink(fd: number): Sink {
  let tty: boolean | undefined;
  return {
    write: (text) => writeAll(fd, text),
    get isTTY() {
      tty ??= isTerminal(fd);
      return tty;
    },
  };
}

/** Builds the {@link Output} for this process from its descriptors and environment. */
export function createOutput(
  json: boolean,
  env: Readonly<Record<string, string | undefined>> = process.env,
  sinks: { out: Sink; err: Sink } = { out: fdSink(1), err: fdSink(2) },
): Output {
  const { out, err } = sinks;
  const tty = err.isTTY && env.TERM !== 'dumb';
  const c = createColors(colorEnabled(err.isTTY, env));
  let documentWritten = false;
  const document = (value: unknown) => {
    // One document per run, whatever happens after it (a late error must not append a second).
    if (documentWritten) return;
    documentWritten = true;
    out.write(`${JSON.stringify(value, null, 2)}\n`);
  };
  return {
    c,
    tty,
    json,
    line: (text = '') => err.write(`${text}\n`),
    warn: (text) => err.write(`${c.yellow('!')} ${text}\n`),
    success: (text) => err.write(`${c.green('✓')} ${text}\n`),
    document,
    stdout: (text) => out.write(`${text}\n`),
    spinner: (text) => startSpinner(err, text, tty, c.cyan),
    error(report) {
      // The message alone: it says what happened and what to do, so a headline before it only
      // repeated it ("Cancelled: The sign-in was cancelled."). The title goes to --json.
      err.write(`${c.red('✗')} ${report.message}\n`);
      if (report.helpFor !== undefined || report.code === 'CODEX_OAUTH_INVALID_OPTION') {
        const topic = report.helpFor ? ` ${report.helpFor}` : '';
        err.write(c.dim(`  Run "codex-oauth${topic} --help" for usage.\n`));
      }
      err.write(c.dim(`  (${report.code})\n`));
      if (json) {
        document({ error: { code: report.code, title: report.title, message: report.message } });
      }
    },
  };
}
