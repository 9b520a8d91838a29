// 1,000 concurrent getAccessToken() calls in one process whose stored token must be refreshed,
// beside 1,000 concurrent calls with a fresh token, in the same process and run, alternating.
// The refresh side costs one refresh round trip (single-flight) on top of the same reads.
// Run from the repo root after building: see bench/README.md.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getAccessToken } from '../packages/core/dist/index.js';
import { issuerWithHomes } from './lib/signed-in-homes.mjs';
import { recordSummary } from './lib/summary.mjs';

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);
const CALLS = 1000;
const ENV = { CODEX_HOME: undefined, CODEX_OAUTH_ISSUER: undefined };

const { issuer, signedIn: signedInHome } = await issuerWithHomes();
const signedIn = (expired) => signedInHome(expired, 'concurrent');

/** Milliseconds for CALLS concurrent getAccessToken() calls on `home`; all must agree. */
async function storm(home) {
  const options = { codexHome: home, storage: 'file', issuer: issuer.url, env: ENV };
  const t0 = performance.now();
  const tokens = await Promise.all(Array.from({ length: CALLS }, () => getAccessToken(options)));
  const ms = performance.now() - t0;
  if (new Set(tokens.map((t) => t.accessToken)).size !== 1) throw new Error('callers disagree');
  return ms;
}

const fresh = await signedIn(false);
const samples = { refresh: [], fresh: [] };
const homes = [fresh];
const before = issuer.issued.grants.reduce((n, g) => n + g.refreshCount, 0);
for (let i = -2; i < RUNS; i++) {
  // Every refresh side gets its own expired sign-in, made before the clock starts.
  const expired = await signedIn(true);
  homes.push(expired);
  const order = i % 2 === 0 ? ['refresh', 'fresh'] : ['fresh', 'refresh'];
  for (const side of order) {
    const ms = await storm(side === 'refresh' ? expired : fresh);
    if (i >= 0) samples[side].push(ms); // two warm-up rounds: undici loaded, code compiled
  }
}
const sent = issuer.issued.grants.reduce((n, g) => n + g.refreshCount, 0) - before;
await issuer.stop();
for (const home of homes) rmSync(home, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const refresh = median(samples.refresh);
const base = median(samples.fresh);
console.log(
  `${CALLS} concurrent getAccessToken() in one process, ${RUNS} runs each, medians (Node ${process.version})`,
);
console.log(`  token needs a refresh   ${refresh.toFixed(1)} ms`);
console.log(`  token fresh             ${base.toFixed(1)} ms`);
console.log(`  ratio                   ${(refresh / base).toFixed(2)}x`);
console.log(`  refresh requests: ${sent} for ${RUNS + 2} refreshing rounds (one each)`);
recordSummary({
  bench: 'concurrent-token',
  metric: `${CALLS} concurrent getAccessToken(), refresh due`,
  ours: refresh,
  baseline: base,
  baselineName: `${CALLS} calls, fresh token`,
  unit: 'ms',
  note: `${sent} refresh requests for ${RUNS + 2} rounds`,
});
