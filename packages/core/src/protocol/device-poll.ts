import { CodexOAuthError, cancelledError, ErrorCodes } from '../model/errors.js';
import { sleep } from '../transport/http.js';

/** Upstream gives up 15 minutes after the first poll. */
export const DEVICE_LOGIN_TIMEOUT_MS = 15 * 60_000;

/**
 * Consecutive 5xx, 429 or network failures a device poll rides out before it gives up: the user
 * may be typing the code for minutes, and one bad gateway should not throw that away.
 */
export const MAX_POLL_FAILURES = 3;

/** One poll, as a provider's reader classified it. */
export type PollStep =
  /** The user approved: `value` is what the provider's finish step needs. */
  | { kind: 'done'; value: unknown }
  /** Not yet (403/404 for OpenAI, `authorization_pending` for RFC 8628). */
  | { kind: 'pending' }
  /** Poll less often. */
  | { kind: 'slow_down' }
  /** A failure that may pass (5xx, 429): counted against {@link MAX_POLL_FAILURES}. */
  | { kind: 'transient'; error: CodexOAuthError };

/** How long and how a device poll waits; shared by OpenAI's poll and RFC 8628's. */
export interface PollTiming {
  /** Give up after this long (default 15 minutes): `CODEX_OAUTH_LOGIN_TIMEOUT`. */
  timeoutMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Abortable wait, injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after every pending answer (for `waiting` events). */
  onPending?: (info: { attempt: number; intervalMs: number }) => void;
}

/** Options of {@link pollUntilDone}. */
export interface PollLoopOptions extends PollTiming {
  /** The first interval, already clamped. */
  intervalMs: number;
  /** One poll. */
  poll: () => Promise<PollStep>;
  /** The interval after a `slow_down`. */
  slowDown: (intervalMs: number) => number;
  signal?: AbortSignal | undefined;
}

const TRANSIENT_CODES = new Set<string>([ErrorCodes.NETWORK_ERROR, ErrorCodes.REQUEST_TIMEOUT]);

/**
 * The one poll loop of both device flows. It polls, waits the interval (or only what is left of
 * the time limit, so an interval longer than that still polls once more at the deadline instead
 * of ending after the first poll), and ends with the provider's `done` value, the reader's own
 * error, `CODEX_OAUTH_LOGIN_TIMEOUT` at the deadline, or `CODEX_OAUTH_LOGIN_CANCELLED` the moment
 * `signal` aborts. Up to {@link MAX_POLL_FAILURES} consecutive transient failures (5xx, 429,
 * dropped connections, request timeouts) are waited out like a pending answer.
 */
export async function pollUntilDone(options: PollLoopOptions): Promise<unknown> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const { signal } = options;
  const deadline = now() + (options.timeoutMs ?? DEVICE_LOGIN_TIMEOUT_MS);
  let intervalMs = options.intervalMs;
  let failures = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      let step: PollStep;
      try {
        step = await options.poll();
      } catch (error) {
        const transient = error instanceof CodexOAuthError && TRANSIENT_CODES.has(error.code);
        if (signal?.aborted || !transient) throw error;
        step = { kind: 'transient', error: error as CodexOAuthError };
      }
      if (step.kind === 'done') return step.value;
      if (step.kind === 'transient') {
        if (++failures >= MAX_POLL_FAILURES) throw step.error;
      } else {
        failures = 0;
        if (step.kind === 'slow_down') intervalMs = options.slowDown(intervalMs);
      }
      const left = deadline - now();
      if (left <= 0) {
        throw new CodexOAuthError(
          ErrorCodes.LOGIN_TIMEOUT,
          'No device sign-in finished within the time limit (15 minutes by default). Start the sign-in again.',
        );
      }
      options.onPending?.({ attempt, intervalMs });
      await wait(Math.min(intervalMs, left), signal);
    }
  } catch (error) {
    // An abort surfaces as whatever fetch or sleep rejects with; our own errors keep their code.
    if (signal?.aborted && !(error instanceof CodexOAuthError)) throw cancelledError(error);
    throw error;
  }
}
