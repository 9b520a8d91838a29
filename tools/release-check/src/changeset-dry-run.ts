import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from './run.js';
import { REPO, workspacePackages } from './workspace.js';

/** A package after the dry run: its new version and whether a changelog entry was written. */
export interface VersionOutcome {
  version: string;
  changelog: string | null;
  /** `peerDependencies` as written back (still `workspace:` ranges). */
  peerDependencies: Record<string, string>;
}

/**
 * `changeset version` on a copy of the workspace manifests, so the real tree is never touched:
 * the copy holds the root manifest, `pnpm-workspace.yaml`, `.changeset/config.json` and every
 * package's `package.json` (all `changeset version` reads), plus one changeset made of `bumps`.
 * Returns each package's outcome by name.
 */
export function changesetDryRun(
  bumps: Record<string, 'patch' | 'minor' | 'major'>,
): Map<string, VersionOutcome> {
  const copy = mkdtempSync(join(tmpdir(), 'codex-oauth-changeset-'));
  try {
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
      cpSync(join(REPO, file), join(copy, file));
    }
    const packages = workspacePackages();
    for (const pkg of packages) {
      const to = join(copy, relative(REPO, pkg.dir));
      mkdirSync(to, { recursive: true });
      cpSync(join(pkg.dir, 'package.json'), join(to, 'package.json'));
    }
    const header = Object.entries(bumps)
      .map(([name, bump]) => `"${name}": ${bump}`)
      .join('\n');
    writeFileSync(
      join(copy, '.changeset/release-check-dry-run.md'),
      `---\n${header}\n---\n\nRelease check dry run.\n`,
    );
    run(join(REPO, 'node_modules/.bin/changeset'), ['version'], { cwd: copy });

    const outcomes = new Map<string, VersionOutcome>();
    for (const pkg of packages) {
      const dir = join(copy, relative(REPO, pkg.dir));
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const changelogPath = join(dir, 'CHANGELOG.md');
      outcomes.set(pkg.name, {
        version: manifest.version,
        changelog: existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : null,
        peerDependencies: manifest.peerDependencies ?? {},
      });
    }
    if (existsSync(join(copy, '.changeset/release-check-dry-run.md'))) {
      throw new Error('changeset version left the changeset file behind');
    }
    return outcomes;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
