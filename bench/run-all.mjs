// Runs every benchmark under bench/ in sequence, streams their output, then prints one table of
// the headline ratios each measured side by side (bench/lib/summary.mjs); `--write` also writes
// BENCHMARKS.md. Flags: --quick (Codex refresh storm stops at N = 16), --offline (skip the
// install footprint, which needs the npm registry), --write. Run after building: see README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, cpuSnapshot, describeMachine, load1, otherCores } from './lib/machine.mjs';
import { renderTable } from './lib/table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const flags = new Set(process.argv.slice(2));
const quick = flags.has('--quick');
const offline = flags.has('--offline');
const NEEDS_REGISTRY = 'skipped: needs the npm registry';

const benches = [
  { name: 'browser-signin', args: [] },
  { name: 'device-signin', args: [] },
  { name: 'cli-signin', args: [] },
  { name: 'cli-start', args: [] },
  { name: 'doctor-start', args: [] },
  { name: 'refresh-storm', args: quick ? [] : ['--codex-max', '64'] },
  { name: 'token-first-request', args: quick ? ['3'] : [] },
  { name: 'concurrent-token', args: quick ? ['5'] : [] },
  { name: 'fleet-storm', args: [] },
  { name: 'hostile-answers', args: quick ? ['--rounds', '1', '--drip-cap-ms', '12000'] : [] },
  { name: 'install-footprint', args: [], registry: true },
];

/** `npm ping` within 20 s: the install footprint is skipped, not failed, without the registry. */
function registryReachable() {
  const ping = spawnSync('npm', ['ping'], { env: cleanEnv(), stdio: 'ignore', timeout: 20_000 });
  return ping.status === 0;
}

/** Runs one benchmark as a child, echoing its output live and keeping a copy for the report. */
function run(bench, summary) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, `${bench.name}.mjs`), ...bench.args], {
      cwd: root,
      env: cleanEnv({ CODEX_OAUTH_BENCH_SUMMARY: summary }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      errors += chunk;
      process.stderr.write(chunk);
    });
    // The report keeps stderr (npm's warnings, say) only when it explains a failure.
    child.on('close', (code, signal) =>
      resolve({ code: code ?? signal, output: code === 0 ? output : output + errors }),
    );
  });
}

const machine = describeMachine();
const started = new Date();
const loadAtStart = load1();
const cpuAtStart = cpuSnapshot();
const work = mkdtempSync(join(tmpdir(), 'codex-oauth-bench-all-'));
const summary = join(work, 'summary.jsonl');
const outputs = [];
const skipped = new Map();
let failures = 0;
let lines = [];
try {
  for (const bench of benches) {
    const command = ['node', `bench/${bench.name}.mjs`, ...bench.args].join(' ');
    if (bench.registry && (offline || !registryReachable())) {
      console.log(`\n== ${command}: ${NEEDS_REGISTRY}${offline ? ' (--offline)' : ''}`);
      skipped.set(bench.name, NEEDS_REGISTRY);
      continue;
    }
    console.log(`\n== ${command}  (load ${load1()})`);
    const t0 = performance.now();
    const { code, output } = await run(bench, summary);
    const seconds = ((performance.now() - t0) / 1000).toFixed(0);
    outputs.push({ command, output, seconds });
    if (code !== 0) {
      failures++;
      skipped.set(bench.name, `failed: exit ${code}`);
    }
  }
} finally {
  lines = existsSync(summary) ? readFileSync(summary, 'utf8').trim().split('\n') : [];
  rmSync(work, { recursive: true, force: true });
}

// Rows in benchmark order; a benchmark that was skipped or failed without a row gets one saying so.
const all = lines.filter(Boolean).map((line) => JSON.parse(line));
const rows = benches.flatMap((bench) => {
  const own = all.filter((row) => row.bench === bench.name);
  const why = skipped.get(bench.name);
  return own.length > 0 || !why ? own : [{ bench: bench.name, skipped: why }];
});
const { table, notes } = renderTable(rows);
const legend =
  'ratio = ours / baseline, measured side by side in this run: below 1 means codex-oauth needs less.';
console.log(`\n${table}\n\n${legend}\n${notes.join('\n')}`);

// Our own storms (and `pnpm bench`'s build just before) raise the load average, so "busy" is
// judged by the CPU time other processes used during the run.
const others = otherCores(cpuAtStart, cpuSnapshot());
const busy = others >= 0.5;
const loadLine =
  `1-minute load average ${loadAtStart} at the start; other processes kept ${others.toFixed(2)} ` +
  `of ${machine.cores} cores busy on average during the run` +
  (busy ? ' (under load: times may be inflated, ratios less so)' : ' (quiet)');
console.log(`\n${loadLine}`);

if (flags.has('--write')) {
  const date = `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const raw = outputs.map(
    (o) =>
      `<details><summary><code>${o.command}</code> (${o.seconds} s)</summary>\n\n\`\`\`\n${o.output.trimEnd()}\n\`\`\`\n\n</details>`,
  );
  // The hand-written trade-offs travel with every rewrite of BENCHMARKS.md.
  const tradeOffs = readFileSync(join(root, 'bench', 'trade-offs.md'), 'utf8');
  const markdown = `# Benchmarks

The latest \`pnpm bench\` run, ${date}${quick ? ' (`--quick`: the Codex refresh storm stopped at N = 16)' : ''}.
Each benchmark measures codex-oauth and its baseline side by side in the same run; what each one
does is in [bench/README.md](bench/README.md). Nothing left the machine except the install
footprint's \`npm install\`s: every server binds 127.0.0.1, and Codex ran in a loopback-only
network namespace.

## Machine

- CPU: ${machine.cpu}, ${machine.cores} cores
- Memory: ${machine.memory}
- OS: ${machine.os}
- Node ${machine.node}, npm ${machine.npm}
- Load: ${loadLine}

## Results

${table}

${legend}

${notes.map((note) => `${note}  `).join('\n')}

${tradeOffs.trimEnd()}

## Re-run

\`\`\`
pnpm bench --write                          # builds, runs everything, rewrites this file
node bench/run-all.mjs --quick --offline    # after a build: Codex storm to N = 16, no npm registry
\`\`\`

Add \`--write\` to \`node bench/run-all.mjs\` to rewrite this file. Each benchmark also runs on its own
(\`node bench/<name>.mjs\`), printing only its own output.

## Raw output

${raw.join('\n\n')}
`;
  writeFileSync(join(root, 'BENCHMARKS.md'), markdown);
  console.log('wrote BENCHMARKS.md');
}
process.exitCode = failures > 0 ? 1 : 0;
