/** How a doctor check came out. `info` is neutral; only `fail` makes `doctor` exit 2. */
export type Verdict = 'ok' | 'info' | 'warn' | 'fail';

/** One doctor check: a verdict, a one-line summary, supporting details and, when needed, a fix. */
export interface Check {
  /** Stable identifier for `--json` consumers (`environment`, `ca`, `port-1455`, ...). */
  id: string;
  title: string;
  verdict: Verdict;
  summary: string;
  details: string[];
  /** What to do about a `warn` or `fail`. */
  fix?: string;
}

/** Builds a {@link Check}; `fix` only when given. */
export function check(
  id: string,
  title: string,
  verdict: Verdict,
  summary: string,
  details: string[] = [],
  fix?: string,
): Check {
  return { id, title, verdict, summary, details, ...(fix !== undefined && { fix }) };
}

/** Runs `fn`, turning a throw into a `fail` check carrying the error's message. */
export async function guarded(
  id: string,
  title: string,
  fn: () => Promise<Check[]> | Check[],
): Promise<Check[]> {
  try {
    return await fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return [
      check(
        id,
        title,
        'fail',
        error instanceof Error ? error.message : String(error),
        typeof code === 'string' ? [code] : [],
      ),
    ];
  }
}
