// The first request of a process: `codex-oauth token` when the token must be refreshed, beside
// `token` with a fresh token (no request) and a bare `node:http` request in the same process
// shape (Node starts, sends one POST to the issuer, prints the answer, exits). Peak RSS (from
// /usr/bin/time), wall time and the time from printing to exit, on Node 20 and Node 24 in the
// same run, interleaved. Run from the repo root after building: see bench/README.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { node24 } from '../scripts/node24.mjs';
import { issuerWithHomes } from './lib/signed-in-homes.mjs';
import { recordSummary } from './lib/summary.mjs';

const RUNS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
// `--compare <bin>`: also runs a refreshing `token` of another build of the CLI (its
// bin/codex-oauth.js, e.g. a worktree at an older commit) in the same rounds.
const compareAt = process.argv.indexOf('--compare');
const compare = compareAt === -1 ? null : process.argv[compareAt + 1];
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'apps/cli/bin/codex-oauth.js');
if (!existsSync(join(root, 'apps/cli/dist/cli.cjs')))
  throw new Error('build the CLI first: pnpm --filter @codex-oauth/cli... build');
if (!existsSync('/usr/bin/time'))
  throw new Error('needs /usr/bin/time (Debian: apt-get install time)');
const cacheHome = mkdtempSync(join(tmpdir(), 'codex-oauth-first-request-cache-'));

const { issuer, signedIn: signedInHome } = await issuerWithHomes();
const signedIn = (expired) => signedInHome(expired, 'first-request');

// The baseline: one POST with node:http, the answer printed, nothing else.
const BARE = `
const { request } = require('node:http');
const req = request(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' } });
req.on('response', (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => process.stdout.write(Buffer.concat(chunks).toString().slice(0, 40) + '\\n'));
});
req.end('{"grant_type":"refresh_token","refresh_token":"none","client_id":"none"}');
`;

// The transport alone: the same POST through net-ca's fetch (undici, as core's refresh loads it),
// with none of core, store-file or the CLI. What it costs is the floor of any refresh that keeps
// undici as its transport (issue 21), so the targets can be read against it. On Node 20 it sets
// Liftoff-only WebAssembly as the CLI does (apps/cli/src/bin.ts), so both sides compile alike.
const NET_CA = `
if (process.versions.v8.startsWith('11.')) require('node:v8').setFlagsFromString('--liftoff-only');
import(process.argv[2]).then(async ({ createFetch }) => {
  const fetch = createFetch({});
  const res = await fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' },
    body: '{"grant_type":"refresh_token","refresh_token":"none","client_id":"none"}' });
  process.stdout.write((await res.text()).slice(0, 40) + '\\n');
  await fetch.close();
});
`;
const netCaEntry = join(root, 'packages/net-ca/dist/index.js');

/**
 * Runs `args` under /usr/bin/time: wall from spawn to exit, from the first byte on stdout to
 * exit, and peak RSS in MiB. NODE_EXTRA_CA_CERTS and SSL_CERT_FILE are left out of every side.
 */
function measure(binary, args, home) {
  const env = { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, LANG: 'C.UTF-8' };
  // One compile cache (Node 22+) for every run, as on a user's machine: warm after the first.
  env.XDG_CACHE_HOME = cacheHome;
  env.CODEX_OAUTH_ISSUER = issuer.url;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let printed;
    let stderr = '';
    const child = spawn('/usr/bin/time', ['-f', 'peak-kb %M', binary, ...args], { env });
    child.stdout.on('data', () => {
      printed ??= performance.now();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const end = performance.now();
      const kb = Number(/peak-kb (\d+)/.exec(stderr)?.[1]);
      if (code !== 0 || printed === undefined || !kb) {
        reject(new Error(`${args.join(' ')} failed (exit ${code}): ${stderr.slice(0, 400)}`));
        return;
      }
      resolve({ wall: end - t0, linger: end - printed, peak: kb / 1024 });
    });
  });
}

const binaries = [{ name: `Node ${process.versions.node}`, path: process.execPath }];
try {
  const path = node24();
  binaries.push({ name: 'Node 24', path });
} catch (error) {
  console.log(`Node 24 not measured: ${error.message}`);
}

const fresh = await signedIn(false);
const scenarios = {
  refresh: (bin) => signedIn(true).then((home) => measure(bin, [cli, 'token'], home)),
  fresh: (bin) => measure(bin, [cli, 'token'], fresh),
  bare: (bin) => measure(bin, ['-e', BARE, `${issuer.url}/oauth/token`], fresh),
  transport: (bin) => measure(bin, ['-e', NET_CA, `${issuer.url}/oauth/token`, netCaEntry], fresh),
  ...(compare && {
    compare: (bin) => signedIn(true).then((home) => measure(bin, [compare, 'token'], home)),
  }),
};
const names = Object.keys(scenarios);
const samples = new Map();
for (let i = -1; i < RUNS; i++) {
  for (const { name, path } of binaries) {
    // Rotate the order so no scenario always runs first (or on a warmer page cache).
    for (let k = 0; k < names.length; k++) {
      const scenario = names[(k + Math.max(0, i)) % names.length];
      const result = await scenarios[scenario](path);
      if (i < 0) continue; // one warm-up round
      const key = `${name}|${scenario}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push(result);
    }
  }
}
await issuer.stop();
rmSync(fresh, { recursive: true, force: true });
rmSync(cacheHome, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const LABELS = {
  refresh: 'codex-oauth token (refreshes)',
  fresh: 'codex-oauth token (fresh token)',
  bare: 'bare node:http POST',
  transport: 'net-ca fetch POST (transport alone)',
  compare: '--compare: token (refreshes)',
};
console.log(`first request: ${RUNS} runs of each, medians (NODE_EXTRA_CA_CERTS unset)`);
for (const { name } of binaries) {
  console.log(`  ${name}`);
  const row = (scenario) => {
    const runs = samples.get(`${name}|${scenario}`);
    return {
      wall: median(runs.map((r) => r.wall)),
      linger: median(runs.map((r) => r.linger)),
      peak: median(runs.map((r) => r.peak)),
      worstLinger: Math.max(...runs.map((r) => r.linger)),
    };
  };
  const figures = Object.fromEntries(names.map((s) => [s, row(s)]));
  for (const s of names) {
    const f = figures[s];
    console.log(
      `    ${LABELS[s].padEnd(36)} wall ${f.wall.toFixed(0).padStart(4)} ms   print->exit ${f.linger.toFixed(1).padStart(5)} ms (max ${f.worstLinger.toFixed(1)})   peak ${f.peak.toFixed(1)} MiB`,
    );
  }
  const { refresh, fresh: noRequest, bare, transport } = figures;
  console.log(
    `    refresh vs bare node:http: wall ${(refresh.wall / bare.wall).toFixed(2)}x, peak ${(refresh.peak / bare.peak).toFixed(2)}x; vs fresh token: peak ${(refresh.peak / noRequest.peak).toFixed(2)}x`,
  );
  console.log(
    `    the transport alone (net-ca fetch) vs bare node:http: wall +${(transport.wall - bare.wall).toFixed(0)} ms, peak +${(transport.peak - bare.peak).toFixed(1)} MiB; the rest of a refreshing token: wall +${(refresh.wall - transport.wall).toFixed(0)} ms, peak +${(refresh.peak - transport.peak).toFixed(1)} MiB`,
  );
  recordSummary({
    bench: 'token-first-request',
    metric: `${name}: the transport alone (net-ca fetch POST), peak RSS`,
    ours: transport.peak,
    baseline: bare.peak,
    baselineName: 'bare node:http POST',
    unit: 'MiB',
    note: `wall ${transport.wall.toFixed(0)} ms against ${bare.wall.toFixed(0)} ms; the floor of a refresh over undici`,
  });
  recordSummary({
    bench: 'token-first-request',
    metric: `${name}: token with a refresh, peak RSS`,
    ours: refresh.peak,
    baseline: bare.peak,
    baselineName: 'bare node:http POST',
    unit: 'MiB',
    note: `fresh token: ${noRequest.peak.toFixed(1)} MiB`,
  });
  recordSummary({
    bench: 'token-first-request',
    metric: `${name}: token with a refresh, wall`,
    ours: refresh.wall,
    baseline: bare.wall,
    baselineName: 'bare node:http POST',
    unit: 'ms',
    note: `fresh token: ${noRequest.wall.toFixed(0)} ms`,
  });
  recordSummary({
    bench: 'token-first-request',
    metric: `${name}: token with a refresh, print to exit`,
    ours: refresh.linger,
    baseline: bare.linger,
    baselineName: 'bare node:http POST',
    unit: 'ms',
    note: `max over runs ${refresh.worstLinger.toFixed(1)} ms`,
  });
}
