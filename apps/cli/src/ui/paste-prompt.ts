import { createInterface } from 'node:readline';

/** What {@link readPastes} needs: where lines come from and what to do with them. */
export interface PasteReaderOptions {
  /** Usually `process.stdin`: a terminal, or a pipe from a script or test. */
  input: NodeJS.ReadableStream;
  /** Tries one paste; resolves once it finished the sign-in, rejects when it was not used. */
  submit: (text: string) => Promise<unknown>;
  /** A rejection of a complete paste: show its message (never the text) and prompt again. */
  onRejected: (error: unknown) => void;
  /** The rejection says the paste was cut off, so the next line may continue it. */
  isIncomplete: (error: unknown) => boolean;
  /** A cut-off paste is kept to be joined with the next line: ask for the rest. */
  onIncomplete: () => void;
}

function isNotRedirect(error: unknown): boolean {
  return (error as { reason?: unknown } | null)?.reason === 'not_a_redirect';
}

/** A running reader; `stop` ends it without reporting (the sign-in finished another way). */
export interface PasteReader {
  /**
   * Settles when the input ends or a paste finished the sign-in: `null` after a success, a stop
   * or an input that gave nothing to try; otherwise the last rejection (a script piped a bad
   * address and closed its end).
   */
  readonly ended: Promise<unknown>;
  stop(): void;
}

// Bracketed paste: terminals where it is on (a shell left it on, or tmux -p) wrap pastes in these.
const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

/**
 * Reads pasted redirect addresses, one attempt at a time, from a terminal or a pipe. A paste that
 * arrives over several lines (a terminal wrapped or broke it) is put back together: lines inside
 * one bracketed paste are joined, and a line the sign-in calls cut off is joined with the lines
 * already waiting behind it. Empty lines are skipped. The text read is only ever handed to
 * `submit`: nothing here prints it.
 */
export function readPastes(options: PasteReaderOptions): PasteReader {
  const lines = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const queue: string[] = [];
  let closed = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  lines.on('line', (line) => {
    queue.push(line);
    notify();
  });
  lines.on('close', () => {
    closed = true;
    notify();
  });

  const next = async (): Promise<string | null> => {
    while (queue.length === 0) {
      if (closed || stopped) return null;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return queue.shift() ?? null;
  };

  const attempt = async (text: string): Promise<unknown> => {
    try {
      await options.submit(text);
      return null;
    } catch (error) {
      return error ?? new Error('rejected');
    }
  };

  const work = async (): Promise<unknown> => {
    let text = '';
    // A paste that was cut off, waiting for its rest: a terminal sends a wrapped address's first
    // line at once, the rest only when Enter is pressed.
    let carry = '';
    let lastRejection: unknown = null;
    for (let line = await next(); line !== null && !stopped; line = await next()) {
      text = text === '' ? line : `${text}\n${line}`;
      if (text.lastIndexOf(PASTE_START) > text.lastIndexOf(PASTE_END)) continue; // still pasting
      if (text.trim() === '') {
        text = '';
        continue;
      }
      // The line alone first (a fresh, whole address), then as the rest of the cut-off one.
      let error = await attempt(text);
      const continuation = options.isIncomplete(error) || isNotRedirect(error);
      if (error !== null && carry !== '' && continuation && !stopped) {
        const joined = `${carry}\n${text}`;
        error = await attempt(joined);
        if (options.isIncomplete(error)) text = joined; // still cut off: keep growing it
      }
      if (error === null || stopped) return null;
      if (options.isIncomplete(error)) {
        carry = text;
        lastRejection = error;
        options.onIncomplete();
      } else {
        carry = '';
        lastRejection = error;
        options.onRejected(error);
      }
      text = '';
    }
    return stopped ? null : lastRejection;
  };

  const ended = work();
  return {
    ended,
    stop() {
      if (stopped) return;
      stopped = true;
      lines.close();
      notify();
      // A paused stdin would keep the process alive after the sign-in.
      (options.input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    },
  };
}
