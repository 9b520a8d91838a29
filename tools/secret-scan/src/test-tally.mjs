// Adds up vitest's per-package "Tests  N passed | M failed | K skipped (T)" lines from a turbo run,
// so the scan can end with one line a CI reader understands: "tests: N passed, M failed, K skipped".

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what we strip.
const ANSI = /\x1b\[[0-9;]*m/g;
const SUMMARY = /\bTests\s+(.*?)\s*\(\d+\)\s*$/;

/**
 * The totals of every vitest summary in `output` (colours and turbo's "pkg:test:" prefixes
 * allowed), or `null` when there is none.
 * @param {string} output
 * @returns {{ passed: number, failed: number, skipped: number, runs: number } | null}
 */
export function tallyVitest(output) {
  const total = { passed: 0, failed: 0, skipped: 0, runs: 0 };
  for (const line of output.replace(ANSI, '').split('\n')) {
    const match = SUMMARY.exec(line);
    if (!match?.[1]) continue;
    total.runs++;
    for (const [, count, word] of match[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      const key = word === 'todo' ? 'skipped' : /** @type {'passed'|'failed'|'skipped'} */ (word);
      total[key] += Number(count);
    }
  }
  return total.runs === 0 ? null : total;
}

/**
 * The closing line: "tests: N passed, M failed, K skipped".
 * @param {{ passed: number, failed: number, skipped: number }} total
 */
export function formatTally(total) {
  return `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
}
