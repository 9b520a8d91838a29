import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { run } from '../src/run.js';
import { packedFiles, packedManifest, REPO, workspacePackages } from '../src/workspace.js';

const tarballs = inject('tarballs');
const versions = new Map(workspacePackages().map((p) => [p.name, p.version]));
const bin = (name: string) => join(REPO, 'node_modules/.bin', name);
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

describe.each(Object.entries(tarballs))('packed %s', (name, tarball) => {
  const manifest = packedManifest(tarball);

  it('has every workspace: range rewritten to the sibling’s real version', () => {
    for (const field of DEPENDENCY_FIELDS) {
      const deps = (manifest[field] ?? {}) as Record<string, string>;
      for (const [dep, range] of Object.entries(deps)) {
        expect(range, `${field}.${dep}`).not.toMatch(/^workspace:/);
        const sibling = versions.get(dep);
        // workspace:* becomes x.y.z, workspace:^ ^x.y.z, and the peers' workspace:>=x.y.z <1
        // keeps its form: each must start at today's version of the sibling.
        if (sibling !== undefined) {
          const version = sibling.replace(/\./g, '\\.');
          expect(range, `${field}.${dep}`).toMatch(
            new RegExp(`^(\\^?${version}|>=${version} <\\d+)$`),
          );
        }
      }
    }
  });

  it('ships its build and nothing from the sources or tests', () => {
    const files = packedFiles(tarball);
    expect(files).toContain('package.json');
    expect(files.some((f) => /^dist\/.*\.[cm]?js$/.test(f))).toBe(true);
    expect(files.filter((f) => /^(src|test)\//.test(f) || f.endsWith('.test.js'))).toEqual([]);
    // A library's addon is built on the user's machine by `install`, so none may ship. The CLI
    // bundles store-file and copies the addon it was built with into its package (apps/cli's
    // tsup config): that one file is allowed, and only loads on a machine like the builder's.
    const prebuilt = files.filter((f) => f.endsWith('.node') || f.startsWith('build/'));
    if (name === '@codex-oauth/cli') {
      expect(prebuilt.every((f) => f.endsWith('/codex_oauth_flock.node'))).toBe(true);
    } else {
      expect(prebuilt).toEqual([]);
    }
    if (name === '@codex-oauth/store-file') {
      expect(files).toContain('binding.gyp');
      expect(files.some((f) => f.startsWith('native/'))).toBe(true);
    }
  });

  it('passes publint --strict on the tarball', () => {
    const result = run(bin('publint'), ['run', tarball, '--strict'], {
      cwd: REPO,
      allowFailure: true,
    });
    const output = `${result.stdout}${result.stderr}`.trim();
    if (!/All good/i.test(output)) console.log(`publint ${name}:\n${output}`);
    expect(result.status, output).toBe(0);
  });

  it.skipIf(name === '@codex-oauth/cli')(
    'passes are-the-types-wrong (esm-only) on the tarball' +
      (name === '@codex-oauth/cli' ? ' (skipped: the CLI has no importable entry or types)' : ''),
    () => {
      const result = run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], {
        cwd: REPO,
        allowFailure: true,
      });
      const output = `${result.stdout}${result.stderr}`.trim();
      expect(result.status, output).toBe(0);
    },
  );
});
