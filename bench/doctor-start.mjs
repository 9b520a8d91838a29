// `codex-oauth doctor` beside `node -e 0`, on Node 20 and on Node 24 in the same run (interleaved,
// order rotated every round): wall time from spawn to exit, and peak memory (max RSS). doctor talks
// to a local fake issuer (CODEX_OAUTH_ISSUER), never to auth.openai.com. Issue 21's target:
// doctor <= 3x `node -e 0`. Run from the repo root after building: see bench/README.md.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeIssuer } from '../packages/fake-issuer/dist/index.js';
import { node24 } from '../scripts/node24.mjs';
import { load1 } from './lib/machine.mjs';
import { recordSummary } from './lib/summary.mjs';

const RUNS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
const WARMUP = 2;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'apps/cli/bin/codex-oauth.js');
if (!existsSync(join(root, 'apps/cli/dist/cli.js')))
  throw new Error('build the CLI first: pnpm --filter @codex-oauth/cli... build');

// A signed-in CODEX_HOME (a real device sign-in against the fake issuer), so doctor runs every
// check, auth.json included. The issuer answers from this process: children run asynchronously.
// A minimal environment, as in cli-start.mjs: no NODE_EXTRA_CA_CERTS (Node 20 parses it at
// start-up, ~55 ms, for both sides alike), no proxy; SSL_CERT_FILE only where a row says so.
const home = mkdtempSync(join(tmpdir(), 'codex-oauth-bench-doctor-'));
const issuer = await startFakeIssuer({
  registeredPorts: 'any',
  deviceAutoApprove: true,
  deviceInterval: '0',
});
const env = {
  PATH: process.env.PATH,
  HOME: home,
  CODEX_HOME: home,
  LANG: 'C.UTF-8',
  CODEX_OAUTH_ISSUER: issuer.url,
};
await promisify(execFile)(process.execPath, [cli, 'login', '--flow', 'device'], { env });
const bundle = ['/etc/ssl/certs/ca-certificates.crt'].find((path) => existsSync(path));

/** Runs `argv` once; resolves with wall milliseconds and max RSS (KiB, from /usr/bin/time). */
function once(bin, args, extraEnv, withTime) {
  const [command, argv] = withTime ? ['/usr/bin/time', ['-f', '%M', bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, argv, {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${bin} ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, rssKiB: withTime ? Number(stderr.trim().split('\n').at(-1)) : NaN });
    });
  });
}

const versions = [{ label: `node ${process.versions.node.split('.')[0]}`, bin: process.execPath }];
const notes = [];
try {
  versions.push({ label: 'node 24', bin: node24() });
} catch (error) {
  notes.push(`Node 24 skipped: ${error.message.split('\n')[0]}`);
}
const subjects = [];
for (const { label, bin } of versions) {
  subjects.push({ name: `${label}: node -e 0`, bin, args: ['-e', '0'] });
  subjects.push({ name: `${label}: codex-oauth doctor`, bin, args: [cli, 'doctor', '--json'] });
  if (bundle) {
    subjects.push({
      name: `${label}: doctor, SSL_CERT_FILE (system bundle)`,
      bin,
      args: [cli, 'doctor', '--json'],
      env: { SSL_CERT_FILE: bundle },
    });
  }
}

const loadBefore = load1();
const samples = new Map(subjects.map((s) => [s.name, []]));
const memory = new Map(subjects.map((s) => [s.name, []]));
const withTime = existsSync('/usr/bin/time');
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (let j = 0; j < subjects.length; j++) {
    const s = subjects[(i + j) % subjects.length];
    const { ms } = await once(s.bin, s.args, s.env, false);
    if (i >= WARMUP) samples.get(s.name).push(ms);
  }
}
// Peak memory in its own rounds: /usr/bin/time adds a process to every run it wraps.
if (withTime) {
  for (let i = 0; i < 3; i++) {
    for (const s of subjects)
      memory.get(s.name).push((await once(s.bin, s.args, s.env, true)).rssKiB);
  }
} else notes.push('peak memory skipped: /usr/bin/time is not installed');
await issuer.stop();
rmSync(home, { recursive: true, force: true });

const quantile = (xs, q) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (name) => quantile(samples.get(name), 0.5);
const mib = (name) => quantile(memory.get(name), 0.5) / 1024;
const width = Math.max(...subjects.map((s) => s.name.length)) + 2;
console.log(
  `${RUNS} runs each (after ${WARMUP} warm-up rounds), order rotated every round; load average ${loadBefore} at the start, ${load1()} at the end\n`,
);
for (const s of subjects) {
  const xs = samples.get(s.name);
  const rss = withTime ? `  peak ${mib(s.name).toFixed(1).padStart(5)} MiB` : '';
  console.log(
    `${s.name.padEnd(width)} median ${median(s.name).toFixed(1).padStart(6)} ms  p90 ${quantile(xs, 0.9).toFixed(1).padStart(6)} ms${rss}`,
  );
}
console.log('\nratios (median, budget <= 3.00x):');
for (const { label } of versions) {
  const base = `${label}: node -e 0`;
  for (const s of subjects.filter((x) => x.name.startsWith(label) && x.name !== base)) {
    const memoryRatio = withTime ? `  memory ${(mib(s.name) / mib(base)).toFixed(2)}x` : '';
    console.log(
      `  ${s.name.padEnd(width)}/ node -e 0  ${(median(s.name) / median(base)).toFixed(2)}x${memoryRatio}`,
    );
    recordSummary({
      bench: 'doctor-start',
      metric: `\`${s.name.slice(label.length + 2)}\` start to exit, ${label}`,
      ours: median(s.name),
      baseline: median(base),
      baselineName: `${label} -e 0`,
      unit: 'ms',
      note: `median of ${RUNS}; local fake issuer`,
    });
  }
}
for (const note of notes) console.log(`note: ${note}`);
