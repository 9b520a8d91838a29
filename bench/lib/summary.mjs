// The one convention every benchmark shares with bench/run-all.mjs: when
// CODEX_OAUTH_BENCH_SUMMARY names a file, each headline figure is appended to it as one JSON line,
// so run-all can print a single table of ratios measured side by side in the same run.
import { appendFileSync } from 'node:fs';

/** The file summary rows go to, or undefined when the benchmark runs on its own. */
const summaryFile = process.env.CODEX_OAUTH_BENCH_SUMMARY || undefined;

/**
 * Appends one headline figure: `ours` beside `baseline` (same unit), ratio = ours / baseline
 * unless given, so below 1 always means codex-oauth needs less. Does nothing without the variable.
 *
 * @param {{ bench: string, metric: string, ours: number, baseline: number, baselineName: string,
 *   unit: string, ratio?: number, note?: string }} row
 */
export function recordSummary(row) {
  if (!summaryFile) return;
  const ratio = row.ratio ?? (row.baseline ? row.ours / row.baseline : null);
  const line = {
    bench: row.bench,
    metric: row.metric,
    ours: row.ours,
    baseline: row.baseline,
    baselineName: row.baselineName,
    unit: row.unit,
    ratio,
    ...(row.note && { note: row.note }),
  };
  appendFileSync(summaryFile, `${JSON.stringify(line)}\n`);
}
