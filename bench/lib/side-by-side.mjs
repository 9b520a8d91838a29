// The measuring loop the sign-in benchmarks share: warm both up, then time them in turns,
// alternating which goes first so neither always runs on a warmer process.
import { performance } from 'node:perf_hooks';
import { recordSummary } from './summary.mjs';

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

/**
 * Prints what {@link measureSideBySide} measured (median, p90, ratio) under `title`, and records
 * the median pair as the benchmark's headline figure for bench/run-all.mjs.
 * @param {{ title: string, bench: string, note: string,
 *   ours: { label: string, median: number, p90: number },
 *   baseline: { label: string, median: number, p90: number } }} report
 */
export function reportSideBySide({ title, bench, note, ours, baseline }) {
  const fmt = (ms) => `${ms.toFixed(2)} ms`;
  const row = (label, text) => `  ${label.padEnd(31)} ${text}`;
  console.log(title);
  for (const side of [ours, baseline]) {
    console.log(row(side.label, `median ${fmt(side.median)}  p90 ${fmt(side.p90)}`));
  }
  console.log(row('ratio (median)', `${(ours.median / baseline.median).toFixed(2)}x`));
  recordSummary({
    bench,
    metric: 'sign-in median',
    ours: ours.median,
    baseline: baseline.median,
    baselineName: baseline.label,
    unit: 'ms',
    note,
  });
}
