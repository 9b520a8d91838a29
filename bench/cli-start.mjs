// Start-up time of the `codex-oauth` command beside `node -e 0`, on Node 20 and on Node 24 in the
// same run (interleaved), and beside the real Codex CLI's `codex login status` (npm wrapper and
// native binary). Run from the repo root after building: see bench/README.md.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeIssuer } from '../packages/fake-issuer/dist/index.js';
import { node24 } from '../scripts/node24.mjs';
import {
  buildEmptyModuleChain,
  buildStatusBundles,
  statusModuleFiles,
} from './lib/status-bundles.mjs';
import { recordSummary } from './lib/summary.mjs';

const RUNS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 40);
// `--no-codex` leaves out the Codex comparison (a quicker run while working on start-up).
const withCodex = !process.argv.includes('--no-codex');
// `--compare <bin>`: also runs `status` and `--help` of another build of the CLI (its
// bin/codex-oauth.js, e.g. a worktree at an older commit), side by side: on a shared machine the
// load moves every figure, so a before/after is only fair within one run.
const compareIndex = process.argv.indexOf('--compare');
const compare = compareIndex === -1 ? null : process.argv[compareIndex + 1];
// `--bundle-probe`: also runs `status` from two single-file bundles of its whole path (ES module
// and CommonJS, bench/lib/status-bundles.mjs): how far the plain build is from the budget, and
// how far even one file is; and a chain of as many empty ES modules as `status` loads: what the
// module count alone costs, before any code runs.
const bundleProbe = process.argv.includes('--bundle-probe');
const WARMUP = 3;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'apps/cli/bin/codex-oauth.js');
if (!existsSync(join(root, 'apps/cli/dist/cli.cjs')))
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
const probeDir = bundleProbe ? mkdtempSync(join(tmpdir(), 'codex-oauth-status-probe-')) : null;
const probe = probeDir ? await buildStatusBundles(root, probeDir) : null;
const statusModules = probe ? statusModuleFiles(root).length : 0;
const emptyChain = probe ? buildEmptyModuleChain(probeDir, statusModules) : null;
const chainName = `probe: ${statusModules} empty ES modules`;
const unshare = process.platform === 'linux' ? unshareArgs() : null;
const codex = codexPaths();
const isolated = (argv) => ['unshare', [...unshare, ...argv]];
const notes = [];
let node24Binary = null;
try {
  node24Binary = node24();
} catch (error) {
  notes.push(`Node 24 skipped: ${error.message.split('\n')[0]}`);
}
/** The Node versions measured side by side: this one (20 in CI) and 24. */
const versions = [{ label: `node ${process.versions.node.split('.')[0]}`, bin: node }];
if (node24Binary) versions.push({ label: 'node 24', bin: node24Binary });
const hasCompileCache = (label) => Number(label.split(' ')[1]) >= 22;
const subjects = [];
for (const { label, bin } of versions) {
  subjects.push({ name: `${label}: node -e 0`, cmd: [bin, ['-e', '0']] });
  // Node 22.1+ keeps the compile cache under $HOME/.cache (the warm-up rounds write it); the
  // "no compile cache" line is what a run without it costs, as the very first run does.
  subjects.push({ name: `${label}: codex-oauth status`, cmd: [bin, [cli, 'status']], expect: 0 });
  if (hasCompileCache(label)) {
    subjects.push({
      name: `${label}: codex-oauth status, no compile cache`,
      cmd: [bin, [cli, 'status']],
      env: { NODE_DISABLE_COMPILE_CACHE: '1' },
      expect: 0,
    });
  }
  subjects.push({ name: `${label}: codex-oauth --help`, cmd: [bin, [cli, '--help']], expect: 0 });
  if (probe) {
    subjects.push({
      name: `${label}: probe: status, one ES module`,
      cmd: [bin, [probe.esm, 'status']],
      expect: 0,
    });
    subjects.push({
      name: `${label}: probe: status, one CommonJS file`,
      cmd: [bin, [probe.cjs, 'status']],
      expect: 0,
    });
    subjects.push({ name: `${label}: ${chainName}`, cmd: [bin, [emptyChain]], expect: 0 });
  }
  if (compare) {
    subjects.push({
      name: `${label}: --compare status`,
      cmd: [bin, [compare, 'status']],
      expect: 0,
    });
    subjects.push({
      name: `${label}: --compare --help`,
      cmd: [bin, [compare, '--help']],
      expect: 0,
    });
  }
}

if (!withCodex) notes.push('Codex skipped: --no-codex');
else if (!unshare) notes.push('Codex skipped: `unshare -n` is not available here');
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

// The CPU time of reaped children (user + system, all threads), from /proc/self/stat on Linux:
// unlike wall time it does not grow with the run queue of a shared machine. It counts in clock
// ticks (10 ms), so it is reported as a mean over all runs, not per run.
const TICK_MS = 10;
function childCpuMs() {
  if (process.platform !== 'linux') return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}
const cpu = new Map();

function once(subject) {
  const [command, args] = subject.cmd;
  const cpuBefore = childCpuMs();
  const start = performance.now();
  const result = spawnSync(command, args, { env: { ...env, ...subject.env }, stdio: 'ignore' });
  const ms = performance.now() - start;
  if (cpuBefore !== null)
    cpu.set(subject.name, (cpu.get(subject.name) ?? 0) + childCpuMs() - cpuBefore);
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
    if (i === WARMUP && j === 0) cpu.clear();
    const ms = once(subject);
    if (i >= WARMUP) samples.get(subject.name).push(ms);
  }
}
rmSync(home, { recursive: true, force: true });
if (probeDir) rmSync(probeDir, { recursive: true, force: true });

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
    `${s.name.padEnd(width)} median ${stat(xs, 0.5).toFixed(1).padStart(6)} ms  p90 ${stat(xs, 0.9).toFixed(1).padStart(6)} ms${cpu.has(s.name) ? `  cpu mean ${(cpu.get(s.name) / xs.length).toFixed(1).padStart(5)} ms` : ''}`,
  );
}
const load = readLoad();
if (load) console.log(`\nload: ${load}`);
function readLoad() {
  try {
    return `1-minute load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${availableParallelism()} cores at the end`;
  } catch {
    return null;
  }
}
const cpuRatio = (a, b) =>
  cpu.has(a) && cpu.has(b) && cpu.get(b) > 0
    ? `, cpu ${(cpu.get(a) / cpu.get(b)).toFixed(2)}x`
    : '';
const first = versions[0].label;
const ratio = (a, b) => `${(median(a) / median(b)).toFixed(2)}x`;
/** The start-up budget of `status` per Node major (issue 15): Node 20 is past end of life. */
const budget = (label) => (label === 'node 20' ? 1.3 : 1.25);
console.log('\nratios (median):');
for (const { label } of versions) {
  const base = `${label}: node -e 0`;
  console.log(
    `  ${label}: codex-oauth status / node -e 0       ${ratio(`${label}: codex-oauth status`, base)}  (budget <= ${budget(label).toFixed(2)}x${cpuRatio(`${label}: codex-oauth status`, base)})`,
  );
  if (hasCompileCache(label)) {
    console.log(
      `  ${label}: status, no compile cache / node -e 0 ${ratio(`${label}: codex-oauth status, no compile cache`, base)}  (${cpuRatio(`${label}: codex-oauth status, no compile cache`, base).slice(2)})`,
    );
  }
  console.log(
    `  ${label}: codex-oauth --help / node -e 0       ${ratio(`${label}: codex-oauth --help`, base)}  (${cpuRatio(`${label}: codex-oauth --help`, base).slice(2)})`,
  );
  for (const what of probe ? ['one ES module', 'one CommonJS file'] : []) {
    const name = `${label}: probe: status, ${what}`;
    console.log(
      `  ${label}: probe: status, ${what.padEnd(17)} / node -e 0 ${ratio(name, base)}  (${cpuRatio(name, base).slice(2)})`,
    );
  }
  if (probe) {
    const name = `${label}: ${chainName}`;
    console.log(
      `  ${label}: ${chainName} (status loads ${statusModules}) / node -e 0 ${ratio(name, base)}  (${cpuRatio(name, base).slice(2)})`,
    );
  }
  for (const what of compare ? ['status', '--help'] : []) {
    const name = `${label}: --compare ${what}`;
    console.log(
      `  ${label}: --compare ${what.padEnd(8)} / node -e 0      ${ratio(name, base)}  (${cpuRatio(name, base).slice(2)})`,
    );
  }
}
for (const name of ['unshare: codex login status (npm)', 'unshare: codex login status (native)']) {
  if (samples.has(name)) {
    console.log(
      `  ${name.slice(9).padEnd(33)}/ node -e 0  ${ratio(name, 'unshare: node -e 0')}  (both under unshare)`,
    );
  }
}
if (samples.has('unshare: codex login status (npm)')) {
  console.log(
    `  codex-oauth status / codex login status (npm, unshare removed by its baseline): ${(median(`${first}: codex-oauth status`) / median(`${first}: node -e 0`) / (median('unshare: codex login status (npm)') / median('unshare: node -e 0'))).toFixed(2)}x`,
  );
}
for (const note of notes) console.log(`note: ${note}`);

// Headline figures for bench/run-all.mjs (see bench/lib/summary.mjs).
for (const { label } of versions) {
  const metrics = [
    [`\`codex-oauth status\` cold start, ${label}`, `${label}: codex-oauth status`],
    ...(hasCompileCache(label)
      ? [
          [
            `\`codex-oauth status\` cold start, ${label}, no compile cache`,
            `${label}: codex-oauth status, no compile cache`,
          ],
        ]
      : []),
    [`\`codex-oauth --help\` cold start, ${label}`, `${label}: codex-oauth --help`],
  ];
  for (const [metric, name] of metrics) {
    recordSummary({
      bench: 'cli-start',
      metric,
      ours: median(name),
      baseline: median(`${label}: node -e 0`),
      baselineName: `${label} -e 0`,
      unit: 'ms',
      note: `median of ${RUNS}`,
    });
  }
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
    ours: median(`${first}: codex-oauth status`) / median(`${first}: node -e 0`),
    baseline: median(name) / median('unshare: node -e 0'),
    baselineName: `codex login status (${flavour})`,
    unit: 'x node -e 0',
    note: 'each as a multiple of `node -e 0` run the same way (Codex under unshare -n)',
  });
}
