import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
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
  });

  // Source maps pointed at sources no tarball holds; a native build/ is a leftover of a local
  // build (the loader would even prefer it over the prebuilds). Neither earns its bytes.
  it('ships no source maps and no native build output', () => {
    const files = packedFiles(tarball);
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('native/build/'))).toEqual([]);
  });

  // Installing must build nothing: no install script, and no binding.gyp at the root (npm runs
  // `node-gyp rebuild` by itself for one). The only native code is store-file's prebuilds.
  it('runs no install script and carries only store-file’s Node-API prebuilds', () => {
    const files = packedFiles(tarball);
    const scripts = (manifest.scripts ?? {}) as Record<string, string>;
    for (const hook of ['preinstall', 'install', 'postinstall']) {
      expect(scripts[hook], hook).toBeUndefined();
    }
    expect(files).not.toContain('binding.gyp');
    const native = files.filter((f) => f.endsWith('.node'));
    if (name === '@codex-oauth/store-file') {
      expect(native.sort()).toEqual([
        'native/prebuilds/linux-x64/node.napi.glibc.node',
        'native/prebuilds/linux-x64/node.napi.musl.node',
      ]);
      for (const source of ['native/binding.gyp', 'native/flock.c', 'native/build.mjs']) {
        expect(files).toContain(source);
      }
      // smol-toml is bundled into dist/ at build time, so the only runtime dependency left is
      // the addon loader (bench/README.md, "Install footprint").
      expect(Object.keys((manifest.dependencies ?? {}) as object)).toEqual(['node-gyp-build']);
    } else {
      expect(native).toEqual([]);
    }
  });

  it('has the registry metadata: repository with its directory, homepage, bugs, keywords', () => {
    const dir = relative(REPO, workspacePackages().find((p) => p.name === name)!.dir);
    expect(manifest.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/codex-oauth/codex-oauth.git',
      directory: dir,
    });
    expect(manifest.homepage).toBe(
      `https://github.com/codex-oauth/codex-oauth/tree/main/${dir}#readme`,
    );
    expect(manifest.bugs).toEqual({ url: 'https://github.com/codex-oauth/codex-oauth/issues' });
    expect(manifest.license).toBe('MIT');
    expect(typeof manifest.author).toBe('string');
    expect((manifest.keywords as string[]).length).toBeGreaterThan(0);
  });

  it('has a README whose links resolve inside the tarball or are absolute', () => {
    const files = packedFiles(tarball);
    expect(files).toContain('README.md');
    const readme = execFileSync('tar', ['-xzOf', tarball, 'package/README.md'], {
      encoding: 'utf8',
    });
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    const broken = targets
      .filter((t) => !/^(https?:|mailto:|#)/.test(t))
      .filter((t) => !files.includes(t.replace(/^\.\//, '').replace(/#.*$/, '')));
    expect(broken).toEqual([]);
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
