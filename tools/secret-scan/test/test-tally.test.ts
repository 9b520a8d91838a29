import { describe, expect, it } from 'vitest';
import { formatTally, tallyVitest } from '../src/test-tally.mjs';

describe('tallyVitest', () => {
  it("adds up every package's summary line, colours and turbo prefixes included", () => {
    const output = [
      '@codex-oauth/core:test: \x1b[2m Test Files \x1b[22m \x1b[1m\x1b[32m18 passed\x1b[39m (18)',
      '@codex-oauth/core:test: \x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m157 passed\x1b[39m\x1b[90m (157)\x1b[39m',
      'example-host:test:       Tests  9 passed | 1 skipped (10)',
      '@codex-oauth/cli:test:       Tests  2 failed | 27 passed | 1 todo (30)',
    ].join('\n');
    expect(tallyVitest(output)).toEqual({ passed: 193, failed: 2, skipped: 2, runs: 3 });
  });

  it('says nothing when no test ran', () => {
    expect(tallyVitest('turbo: no tasks\n')).toBeNull();
  });

  it('closes with the plain "N passed, N failed" line CI reads', () => {
    expect(formatTally({ passed: 5, failed: 0, skipped: 1 })).toBe(
      'tests: 5 passed, 0 failed, 1 skipped',
    );
  });
});
