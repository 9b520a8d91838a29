import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CHILD_BUNDLE } from './bundle-for-children.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/lock-child.mjs', import.meta.url));

/** A child process that printed a line saying it holds a lock, and waits to be told to let go. */
export interface Holder {
  child: ChildProcess;
  /** Resolves with the first stdout line (`held flock`, `held`, ...): the handshake. */
  held: Promise<string>;
  /** Resolves with the exit code once the child is gone (and so are its locks). */
  exited: Promise<number | null>;
  /** Asks the child to release (writes a line on its stdin). */
  release(): void;
}

function watch(child: ChildProcess, releaseLine: string): Holder {
  const lines = createInterface({ input: child.stdout! });
  const held = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`holder exited (${code}) before holding`)));
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  exited.then((code) => {
    if (code !== 0 && code !== null && stderr) process.stderr.write(stderr);
  });
  return { child, held, exited, release: () => child.stdin?.write(`${releaseLine}\n`) };
}

/** Our lock layer holding `lockPath` in another Node process. */
export function holdWithLibrary(lockPath: string, env: NodeJS.ProcessEnv = process.env): Holder {
  const child = spawn(process.execPath, [FIXTURE, CHILD_BUNDLE, 'hold', lockPath], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return watch(child, 'release');
}

/**
 * util-linux `flock(1)` holding `lockPath` the way any other program (the Codex CLI included)
 * takes a kernel lock: it prints `held` once locked and keeps it until a line arrives on stdin.
 */
export function holdWithFlockCommand(lockPath: string): Holder {
  const child = spawn('flock', ['--exclusive', lockPath, '-c', 'echo held; read line'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return watch(child, 'go');
}

/** Runs `flock -n <path> true` and resolves with its exit code (0 free, 1 held elsewhere). */
export async function flockCommandTry(lockPath: string): Promise<number | null> {
  const child = spawn('flock', ['--nonblock', lockPath, 'true'], { stdio: 'ignore' });
  const [code] = await once(child, 'exit');
  return code as number | null;
}

/**
 * Runs the `append` mode of the fixture in one child per id, releases them together once all are
 * up (so they contend for the lock rather than run one after another), and resolves with their
 * exit codes.
 */
export async function runAppenders(
  lockPath: string,
  logPath: string,
  ids: string[],
  rounds: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<(number | null)[]> {
  const children = ids.map((id) =>
    spawn(process.execPath, [FIXTURE, CHILD_BUNDLE, 'append', lockPath, logPath, id, `${rounds}`], {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const exits = children.map((child) =>
    once(child, 'exit').then(([code]) => code as number | null),
  );
  await Promise.all(
    children.map((child) => once(createInterface({ input: child.stdout! }), 'line')),
  );
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(exits);
}

/** A fresh directory standing in for `$CODEX_HOME`, and its cleanup. */
export async function tempHome(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-oauth-lock-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Checks that every `start X` line is followed by `end X` before any other start. */
export function assertNoInterleaving(log: string): number {
  const lines = log.trim().split('\n');
  let sections = 0;
  for (let i = 0; i < lines.length; i += 2) {
    const [start, end] = [lines[i], lines[i + 1]];
    const id = start?.replace(/^start /, '');
    if (!start?.startsWith('start ') || end !== `end ${id}`) {
      throw new Error(`interleaved at line ${i + 1}: ${JSON.stringify(lines.slice(i, i + 3))}`);
    }
    sections++;
  }
  return sections;
}
