import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codexSkipReason } from '../src/codex-cli.js';
import { codexReleases, runCodexBinary } from '../src/codex-versions.js';

const skip = codexSkipReason();

describe.skipIf(skip)(`codex-versions${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('offers Codex 0.169.0 and 0.171.0, and each binary is the version it claims', async () => {
    const releases = codexReleases();
    expect(releases.map((r) => r.version)).toEqual(['0.169.0', '0.171.0']);
    const home = await mkdtemp(join(tmpdir(), 'codex-versions-'));
    try {
      for (const { version, binary } of releases) {
        const result = await runCodexBinary(binary, ['--version'], { codexHome: home });
        expect(result.stdout).toContain(`codex-cli ${version}`);
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
