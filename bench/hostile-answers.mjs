// Memory and time of one refresh against two hostile answers from the local fake issuer:
// a 200 MB body, and headers followed by one byte every 500 ms ("drip"). codex-oauth's transport
// (1 MiB cap, total deadline) beside the client before it: net-ca's fetch and `response.text()`,
// which is what the protocol readers did. Each measurement runs in its own child process, so the
// peak RSS (getrusage maxrss) is that request's alone. Flags: --drip-cap-ms N (how long the
// baseline may read the drip before we stop it; default 15000), --rounds N (huge body; default 3).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordSummary } from './lib/summary.mjs';

const here = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};

if (args[0] === '--child') {
  await child(args[1], args[2], args[3], Number(args[4]));
} else {
  await main();
}

async function main() {
  const { startFakeIssuer } = await import('../packages/fake-issuer/dist/index.js');
  const dripCapMs = flag('--drip-cap-ms', 15_000);
  const rounds = flag('--rounds', 3);
  const fake = await startFakeIssuer({ registeredPorts: 'any' });
  try {
    const results = {};
    fake.inject({ path: '/oauth/token', kind: 'huge', bytes: 200 * 1024 * 1024, times: Infinity });
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always meets a warmer machine.
      const order = round % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
      for (const who of order)
        push(results, `huge-${who}`, await measure('huge', who, fake.url, dripCapMs));
    }
    fake.clearFaults();
    fake.inject({ path: '/oauth/token', kind: 'drip', intervalMs: 500, times: Infinity });
    for (const who of ['ours', 'baseline']) {
      push(results, `drip-${who}`, await measure('drip', who, fake.url, dripCapMs));
    }
    report(results, dripCapMs);
  } finally {
    await fake.stop();
  }
}

function push(results, key, sample) {
  results[key] ??= [];
  results[key].push(sample);
}

/** Runs one child and returns what it measured. */
function measure(kind, who, url, capMs) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [here, '--child', kind, who, url, String(capMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${kind}/${who} exited ${code}`)),
    );
  });
}

/** One refresh request in this process; prints `{ ms, rssMiB, outcome }`. */
async function child(_kind, who, url, capMs) {
  const core = await import('../packages/core/dist/index.js');
  const netCa = await import('../packages/net-ca/dist/index.js');
  const provider = core.openaiProfile({ issuer: url, env: {} });
  const t0 = performance.now();
  let outcome;
  if (who === 'ours') {
    const fetch = core.resolveFetch({ env: {} }); // the defaults: 10 s deadline, 1 MiB cap
    outcome = await core
      .refreshTokens({ fetch, provider, refreshToken: 'rt_bench', retries: 1 })
      .then(
        () => 'resolved',
        (error) => error.code,
      );
  } else {
    const fetch = netCa.createFetch({});
    const stop = AbortSignal.timeout(capMs);
    outcome = await fetch(provider.endpoints.refresh, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: provider.clientId, refresh_token: 'rt_bench' }),
      signal: stop,
    })
      .then((response) => response.text())
      .then(
        (text) => `read ${Math.round(text.length / 1024 / 1024)} MiB`,
        () => (stop.aborted ? `still reading at ${capMs / 1000} s (stopped)` : 'failed'),
      );
    await fetch.close();
  }
  const ms = performance.now() - t0;
  // maxRSS is in KiB on Linux.
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, rssMiB, outcome }));
}

function median(samples, key) {
  const xs = samples.map((s) => s[key]).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

function report(results, capMs) {
  const line = (label, samples) =>
    `  ${label.padEnd(34)} ${median(samples, 'ms').toFixed(0).padStart(7)} ms  ${median(samples, 'rssMiB').toFixed(0).padStart(5)} MiB peak RSS  ${samples[0].outcome}`;
  console.log('One refresh against a 200 MB answer (median of the rounds):');
  console.log(line('codex-oauth transport', results['huge-ours']));
  console.log(line('before: net-ca fetch + text()', results['huge-baseline']));
  console.log('One refresh against headers + 1 byte every 500 ms:');
  console.log(line('codex-oauth transport', results['drip-ours']));
  console.log(line('before: net-ca fetch + text()', results['drip-baseline']));
  for (const kind of ['huge', 'drip']) {
    const ours = results[`${kind}-ours`];
    const base = results[`${kind}-baseline`];
    recordSummary({
      bench: 'hostile-answers',
      metric: `${kind === 'huge' ? '200 MB answer' : 'dripping answer'}: peak RSS`,
      ours: median(ours, 'rssMiB'),
      baseline: median(base, 'rssMiB'),
      baselineName: 'net-ca fetch + text()',
      unit: 'MiB',
    });
    recordSummary({
      bench: 'hostile-answers',
      metric: `${kind === 'huge' ? '200 MB answer' : 'dripping answer'}: wall time`,
      ours: median(ours, 'ms'),
      baseline: median(base, 'ms'),
      baselineName: 'net-ca fetch + text()',
      unit: 'ms',
      ...(kind === 'drip' && {
        note: `the baseline never ends by itself; stopped at ${capMs / 1000} s`,
      }),
    });
  }
}
