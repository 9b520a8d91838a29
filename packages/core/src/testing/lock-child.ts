import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isAbsolute, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { CrossProcessOptions } from './suite-options.js';

// Runs in the child: build the store from the user's module, hold withLock until told to stop.
const CHILD = `
const [url, input] = process.argv.slice(1);
const { createStore } = await import(url);
const store = await createStore(JSON.parse(input));
await store.withLock(async () => {
  process.stdout.write('held\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
});
process.exit(0);
`;

/** A child process holding the store's lock. */
export interface LockHolder {
  /** Lets the child release its lock and exit. */
  release(): void;
  /** The child's exit code. */
  exited: Promise<number | null>;
  /** Ends the child if it is still there. */
  kill(): void;
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('file:')) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

/** Starts a child that builds the store with `createStore(input)` and holds `withLock`. */
export async function holdInChild(
  options: CrossProcessOptions,
  input: unknown,
): Promise<LockHolder> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, '--', moduleUrl(options.module), JSON.stringify(input)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolveHeld, reject) => {
    lines.once('line', () => resolveHeld());
    exited.then((code) =>
      reject(new Error(`the child process exited (${code}) before holding the lock:\n${stderr}`)),
    );
  });
  return {
    release: () => child.stdin.write('go\n'),
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}
