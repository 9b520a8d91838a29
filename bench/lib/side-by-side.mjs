// The measuring loop the sign-in benchmarks share: warm both up, then time them in turns,
// alternating which goes first so neither always runs on a warmer process.
import { performance } from 'node:perf_hooks';

/**
 * Runs `ours` and `baseline` `runs` times each after `warmup` rounds, and returns the median and
 * p90 of each, in milliseconds.
 * @param {{ ours: () => Promise<unknown>, baseline: () => Promise<unknown>, runs: number, warmup: number }} options
 */
export async function measureSideBySide({ ours, baseline, runs, warmup }) {
  const timed = async (fn) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) {
    await ours();
    await baseline();
  }
  const samples = { ours: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      samples.ours.push(await timed(ours));
      samples.baseline.push(await timed(baseline));
    } else {
      samples.baseline.push(await timed(baseline));
      samples.ours.push(await timed(ours));
    }
  }
  return { ours: stats(samples.ours), baseline: stats(samples.baseline) };
}

/** @param {number[]} xs */
function stats(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9) };
}
