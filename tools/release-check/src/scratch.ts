import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './workspace.js';

/**
 * An empty npm project in the system temp directory, outside the workspace, so nothing resolves
 * through the workspace's `node_modules`. `engine-strict` mirrors the repository's `.npmrc`: an
 * `engines` field we cannot meet must fail the install, not warn.
 */
export function scratchProject(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `codex-oauth-${label}-`));
  if (dir.startsWith(REPO)) throw new Error(`scratch dir ${dir} is inside the workspace`);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `scratch-${label}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  writeFileSync(join(dir, '.npmrc'), 'engine-strict=true\nfund=false\naudit=false\n');
  return dir;
}
