import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The programs of a machine with "Node and a package manager": those, a shell and the basic
 * utilities that npx and pnpm's bin shims call (sh, sed, dirname, uname, ...). No compiler, make
 * or python3.
 */
const TOOLS = ['npm', 'npx', 'pnpm'];
const BASICS = [
  'sh',
  'bash',
  'env',
  'sed',
  'grep',
  'dirname',
  'basename',
  'uname',
  'cat',
  'ls',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'ln',
  'chmod',
  'readlink',
  'realpath',
  'tr',
  'head',
  'tail',
  'tar',
  'gzip',
];

/**
 * A directory holding only `node`, `npm`, `npx`, `pnpm` and the basic utilities (links to this
 * machine's), to use as the whole PATH of an install: no C compiler, make or python3 can be found
 * through it, so an install that tried to build the flock addon would fail or fall back, visibly.
 */
export function barePath(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'codex-oauth-bare-path-')), 'bin');
  mkdirSync(dir);
  symlinkSync(process.execPath, join(dir, 'node'));
  for (const tool of [...TOOLS, ...BASICS]) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status !== 0 || !path) {
      if (TOOLS.includes(tool)) throw new Error(`${tool} is not on PATH`);
      continue;
    }
    // Not resolved: `sh` may be a link to dash, which must still be called `sh`.
    symlinkSync(path, join(dir, tool));
  }
  return dir;
}

/** Which of `programs` a shell finds on `path` (none, for {@link barePath} and compilers). */
export function findOnPath(path: string, programs: string[]): string[] {
  return programs.filter(
    (p) => spawnSync('/bin/sh', ['-c', `command -v ${p}`], { env: { PATH: path } }).status === 0,
  );
}
