import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The refreshing child of the kill -9 test (plain .mjs running the built packages). */
export const REFRESH_CHILD = fileURLToPath(
  new URL('../../fixtures/refresh-child.mjs', import.meta.url),
);

/** A child process whose stdout lines (phase markers) are collected as they arrive. */
export interface MarkedChild {
  child: ChildProcess;
  /** Every line printed so far, in order. */
  marks: string[];
  /** Resolves with the first line (`ready`), or rejects when the child exits before it. */
  ready: Promise<void>;
  /** Resolves when the child prints `mark` (or exits, or `boundMs` passes: then the kill is late). */
  reached(mark: string, boundMs: number): Promise<void>;
  /** Resolves once the child has exited and its stdout is drained. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node script ...args` and collects its stdout lines. */
export function startMarked(script: string, args: string[]): MarkedChild {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const marks: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const closed = once(lines, 'close');
  const waiters = new Map<string, () => void>();
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      marks.push(line);
      waiters.get(line)?.();
      if (line === 'ready') resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before it was ready: ${stderr.slice(0, 500)}`)),
    );
  });
  ready.catch(() => {}); // observed by the caller; never an unhandled rejection
  // All markers a killed child wrote are in the pipe; wait for the reader to drain them.
  const exited = once(child, 'exit').then(async ([code, signal]) => {
    await closed;
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const reached = (mark: string, boundMs: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (marks.includes(mark)) return resolve();
      const timer = setTimeout(resolve, boundMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      waiters.set(mark, done);
      exited.then(done);
    });
  return { child, marks, ready, reached, exited };
}
