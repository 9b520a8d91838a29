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
// `--compare path/to/bin/codex-oauth.js`: another build's doctor in the same rounds (a build of
// an older commit, say), so a before/after is measured side by side too.
const compareAt = process.argv.indexOf('--compare');
const compare = compareAt === -1 ? null : process.argv[compareAt + 1];
const WARMUP = 2;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'apps/cli/bin/codex-oauth.js');
if (!existsSync(join(root, 'apps/cli/dist/cli.cjs')))
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

const withTime = existsSync('/usr/bin/time');

/**
 * Runs `bin args` once. Resolves with wall milliseconds (spawn to exit, measured here) and, through
 * /usr/bin/time (which wraps both sides alike), CPU milliseconds (user + system) and max RSS (KiB).
 * CPU time is the steadier figure on a shared machine: other engineers' load stretches wall time.
 */
function once(bin, args, extraEnv) {
  const [command, argv] = withTime
    ? ['/usr/bin/time', ['-f', 'TIME %U %S %M', bin, ...args]]
    : [bin, args];
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
      const [user, system, rss] = (/^TIME (\S+) (\S+) (\d+)$/m.exec(stderr) ?? [])
        .slice(1)
        .map(Number);
      resolve({ ms, cpuMs: ((user ?? NaN) + (system ?? NaN)) * 1000, rssKiB: rss ?? NaN });
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
  if (compare) {
    subjects.push({
      name: `${label}: doctor, --compare build`,
      bin,
      args: [compare, 'doctor', '--json'],
    });
  }
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
const samples = new Map(subjects.map((s) => [s.name, { ms: [], cpuMs: [], rssKiB: [] }]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (let j = 0; j < subjects.length; j++) {
    const s = subjects[(i + j) % subjects.length];
    const result = await once(s.bin, s.args, s.env);
    if (i < WARMUP) continue;
    for (const key of ['ms', 'cpuMs', 'rssKiB']) samples.get(s.name)[key].push(result[key]);
  }
}
if (!withTime) notes.push('CPU time and peak memory skipped: /usr/bin/time is not installed');
await issuer.stop();
rmSync(home, { recursive: true, force: true });

const quantile = (xs, q) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (name, key = 'ms') => quantile(samples.get(name)[key], 0.5);
const width = Math.max(...subjects.map((s) => s.name.length)) + 2;
console.log(
  `${RUNS} runs each (after ${WARMUP} warm-up rounds), order rotated every round, every run under /usr/bin/time; load average ${loadBefore} at the start, ${load1()} at the end\n`,
);
for (const s of subjects) {
  const extra = withTime
    ? `  cpu ${median(s.name, 'cpuMs').toFixed(0).padStart(4)} ms  peak ${(median(s.name, 'rssKiB') / 1024).toFixed(1).padStart(5)} MiB`
    : '';
  console.log(
    `${s.name.padEnd(width)} wall median ${median(s.name).toFixed(1).padStart(6)} ms  p90 ${quantile(samples.get(s.name).ms, 0.9).toFixed(1).padStart(6)} ms${extra}`,
  );
}
console.log('\nratios to node -e 0 (medians; target: wall <= 3.00x):');
for (const { label } of versions) {
  const base = `${label}: node -e 0`;
  for (const s of subjects.filter((x) => x.name.startsWith(label) && x.name !== base)) {
    const ratio = (key) => (median(s.name, key) / median(base, key)).toFixed(2);
    const extra = withTime ? `  cpu ${ratio('cpuMs')}x  memory ${ratio('rssKiB')}x` : '';
    console.log(`  ${s.name.padEnd(width)} wall ${ratio('ms')}x${extra}`);
    const metric = s.name.slice(label.length + 2);
    recordSummary({
      bench: 'doctor-start',
      metric: `\`${metric}\` start to exit, ${label}`,
      ours: median(s.name),
      baseline: median(base),
      baselineName: `${label} -e 0`,
      unit: 'ms',
      note: `median of ${RUNS}; local fake issuer`,
    });
    if (withTime) {
      recordSummary({
        bench: 'doctor-start',
        metric: `\`${metric}\` peak memory, ${label}`,
        ours: median(s.name, 'rssKiB') / 1024,
        baseline: median(base, 'rssKiB') / 1024,
        baselineName: `${label} -e 0`,
        unit: 'MiB',
        note: 'max RSS, /usr/bin/time',
      });
    }
  }
}
for (const note of notes) console.log(`note: ${note}`);
