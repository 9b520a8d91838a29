// Start-up time of the `codex-oauth` command beside `node -e 0` and the real Codex CLI's
// `codex login status` (npm wrapper and native binary), measured pair by pair in one run.
// Run from the repo root after building: see bench/README.md.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeIssuer } from '../packages/fake-issuer/dist/index.js';
import { recordSummary } from './lib/summary.mjs';

const RUNS = Number(process.argv[2] ?? 40);
const WARMUP = 3;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'apps/cli/dist/cli.cjs');
if (!existsSync(cli))
  throw new Error('build the CLI first: pnpm --filter @codex-oauth/cli... build');

// One signed-in CODEX_HOME shared by every command, so `status` and `codex login status` read
// the same auth.json (written by a real device sign-in against the fake issuer).
const home = mkdtempSync(join(tmpdir(), 'codex-oauth-bench-'));
const env = { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, LANG: 'C.UTF-8' };
const issuer = await startFakeIssuer({
  registeredPorts: 'any',
  deviceAutoApprove: true,
  deviceInterval: '0',
});
// Asynchronous: the issuer answers from this process, so its event loop must keep running.
await promisify(execFile)(process.execPath, [cli, 'login', '--flow', 'device'], {
  env: { ...env, CODEX_OAUTH_ISSUER: issuer.url },
});
await issuer.stop();
// A config.toml as Codex users have one, so `status` parses it as it would on their machine.
writeFileSync(
  join(home, 'config.toml'),
  'model = "gpt-5-codex"\nmodel_reasoning_effort = "high"\n\n[projects."/home/me/src/app"]\ntrust_level = "trusted"\n',
);

// Codex runs in a loopback-only network namespace (`unshare -n`, `-rn` when not root), so it
// cannot reach any host; its ratios use `node -e 0` under the same unshare as their baseline.
function unshareArgs() {
  for (const args of [['-n'], ['-rn']]) {
    if (spawnSync('unshare', [...args, 'true'], { stdio: 'ignore' }).status === 0) return args;
  }
  return null;
}
function codexPaths() {
  const require = createRequire(join(root, 'tools/test-support/package.json'));
  let wrapper = null;
  let native = null;
  try {
    const pkg = require.resolve('@openai/codex/package.json');
    wrapper = join(dirname(pkg), 'bin', 'codex.js');
    const triple = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[
      process.arch
    ];
    const platform = createRequire(pkg).resolve(
      `@openai/codex-${process.platform}-${process.arch}/package.json`,
    );
    native = join(dirname(platform), 'vendor', triple, 'bin', 'codex');
  } catch {
    // Reported below as "not installed".
  }
  return {
    wrapper: wrapper && existsSync(wrapper) ? wrapper : null,
    native: native && existsSync(native) ? native : null,
  };
}

const node = process.execPath;
const unshare = process.platform === 'linux' ? unshareArgs() : null;
const codex = codexPaths();
const isolated = (argv) => ['unshare', [...unshare, ...argv]];
const subjects = [
  { name: 'node -e 0', cmd: [node, ['-e', '0']] },
  // The CLI keeps a V8 code cache of its bundles under $HOME/.cache (the warm-up rounds write
  // it); the second line is what a run without it costs, as the very first run does.
  { name: 'codex-oauth status', cmd: [node, [cli, 'status']], expect: 0 },
  {
    name: 'codex-oauth status, no code cache',
    cmd: [node, [cli, 'status']],
    env: { NODE_DISABLE_COMPILE_CACHE: '1' },
    expect: 0,
  },
  { name: 'codex-oauth --help', cmd: [node, [cli, '--help']], expect: 0 },
];
const notes = [];
if (!unshare) notes.push('Codex skipped: `unshare -n` is not available here');
else {
  subjects.push({ name: 'unshare: node -e 0', cmd: isolated([node, '-e', '0']) });
  if (codex.wrapper)
    subjects.push({
      name: 'unshare: codex login status (npm)',
      cmd: isolated([node, codex.wrapper, 'login', 'status']),
      expect: 0,
    });
  else notes.push('Codex npm wrapper not installed');
  if (codex.native)
    subjects.push({
      name: 'unshare: codex login status (native)',
      cmd: isolated([codex.native, 'login', 'status']),
      expect: 0,
    });
  else notes.push('Codex native binary not installed');
}

function once(subject) {
  const [command, args] = subject.cmd;
  const start = performance.now();
  const result = spawnSync(command, args, { env: { ...env, ...subject.env }, stdio: 'ignore' });
  const ms = performance.now() - start;
  if (subject.expect !== undefined && result.status !== subject.expect) {
    throw new Error(`${subject.name} exited ${result.status}`);
  }
  return ms;
}

const samples = new Map(subjects.map((s) => [s.name, []]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  // Rotate the order every round so no subject always runs first (cache, CPU frequency).
  for (let j = 0; j < subjects.length; j++) {
    const subject = subjects[(i + j) % subjects.length];
    const ms = once(subject);
    if (i >= WARMUP) samples.get(subject.name).push(ms);
  }
}
rmSync(home, { recursive: true, force: true });

const stat = (xs, q) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (name) => stat(samples.get(name), 0.5);
const width = Math.max(...subjects.map((s) => s.name.length)) + 2;
console.log(
  `${RUNS} runs each (after ${WARMUP} warm-up rounds), order rotated every round; Node ${process.version}\n`,
);
for (const s of subjects) {
  const xs = samples.get(s.name);
  console.log(
    `${s.name.padEnd(width)} median ${stat(xs, 0.5).toFixed(1).padStart(6)} ms  p90 ${stat(xs, 0.9).toFixed(1).padStart(6)} ms`,
  );
}
const ratio = (a, b) => `${(median(a) / median(b)).toFixed(2)}x`;
console.log('\nratios (median):');
console.log(
  `  codex-oauth status / node -e 0            ${ratio('codex-oauth status', 'node -e 0')}  (goal <= 1.25x)`,
);
console.log(
  `  status without code cache / node -e 0     ${ratio('codex-oauth status, no code cache', 'node -e 0')}`,
);
console.log(
  `  codex-oauth --help / node -e 0            ${ratio('codex-oauth --help', 'node -e 0')}`,
);
for (const name of ['unshare: codex login status (npm)', 'unshare: codex login status (native)']) {
  if (samples.has(name)) {
    console.log(
      `  ${name.slice(9).padEnd(33)}/ node -e 0  ${ratio(name, 'unshare: node -e 0')}  (both under unshare)`,
    );
  }
}
if (samples.has('unshare: codex login status (npm)')) {
  console.log(
    `  codex-oauth status / codex login status (npm, unshare removed by its baseline): ${(median('codex-oauth status') / median('node -e 0') / (median('unshare: codex login status (npm)') / median('unshare: node -e 0'))).toFixed(2)}x`,
  );
}
for (const note of notes) console.log(`note: ${note}`);

// Headline figures for bench/run-all.mjs (see bench/lib/summary.mjs).
for (const [metric, name] of [
  ['`codex-oauth status` cold start', 'codex-oauth status'],
  ['`codex-oauth status` cold start, no code cache', 'codex-oauth status, no code cache'],
  ['`codex-oauth --help` cold start', 'codex-oauth --help'],
]) {
  recordSummary({
    bench: 'cli-start',
    metric,
    ours: median(name),
    baseline: median('node -e 0'),
    baselineName: 'node -e 0',
    unit: 'ms',
    note: `median of ${RUNS}`,
  });
}
for (const [flavour, name] of [
  ['npm', 'unshare: codex login status (npm)'],
  ['native', 'unshare: codex login status (native)'],
]) {
  if (!samples.has(name)) continue;
  // Codex runs under unshare and we do not, so each is compared as a multiple of its own
  // `node -e 0`: the ratio of the two multiples is the like-for-like figure.
  recordSummary({
    bench: 'cli-start',
    metric: `status cold start vs Codex (${flavour})`,
    ours: median('codex-oauth status') / median('node -e 0'),
    baseline: median(name) / median('unshare: node -e 0'),
    baselineName: `codex login status (${flavour})`,
    unit: 'x node -e 0',
    note: 'each as a multiple of `node -e 0` run the same way (Codex under unshare -n)',
  });
}
