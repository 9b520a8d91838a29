import { describe, expect, it } from 'vitest';
import { changesetDryRun } from '../src/changeset-dry-run.js';
import { publicPackages } from '../src/workspace.js';

const CORE = '@codex-oauth/core';
const STORES = [
  '@codex-oauth/store-file',
  '@codex-oauth/store-keyring',
  '@codex-oauth/store-memory',
];
const before = new Map(publicPackages().map((p) => [p.name, p.version]));
const major = (v: string) => Number(v.split('.')[0]);
const minor = (v: string) => Number(v.split('.')[1]);

describe('changeset version (dry run on a copy of the manifests)', () => {
  it('a core patch bumps core only, with a changelog entry, and leaves the stores alone', () => {
    const after = changesetDryRun({ [CORE]: 'patch' });
    const core = after.get(CORE)!;
    expect(core.version).not.toBe(before.get(CORE));
    expect(core.changelog).toContain(`## ${core.version}`);
    expect(core.changelog).toContain('Release check dry run.');
    for (const store of STORES) {
      expect({ store, version: after.get(store)!.version }).toEqual({
        store,
        version: before.get(store),
      });
      expect(after.get(store)!.peerDependencies[CORE]).toMatch(/^workspace:/);
    }
  });

  it('a leaf minor (env-detect) moves core by a patch only (updateInternalDependencies)', () => {
    const after = changesetDryRun({ '@codex-oauth/env-detect': 'minor' });
    const core = after.get(CORE)!.version;
    expect(major(core)).toBe(major(before.get(CORE)!));
    expect(minor(core)).toBe(minor(before.get(CORE)!));
  });

  // On 0.x a caret range (`^0.1.0`) excludes 0.2.0, which would make every core minor "out of
  // range" for the stores and bump them to 1.0.0; the peers are therefore `>=0.1.0 <1`.
  it('a core minor does not bump the stores (or core) to a major', () => {
    const after = changesetDryRun({ [CORE]: 'minor' });
    expect(major(after.get(CORE)!.version)).toBe(major(before.get(CORE)!));
    for (const store of STORES) {
      expect(major(after.get(store)!.version)).toBe(major(before.get(store)!));
    }
  });

  it('versions the CLI like any public package: a CLI patch gets a changelog entry', () => {
    const after = changesetDryRun({ '@codex-oauth/cli': 'patch' });
    const cli = after.get('@codex-oauth/cli')!;
    expect(cli.version).not.toBe(before.get('@codex-oauth/cli'));
    expect(cli.changelog).toContain(`## ${cli.version}`);
  });
});
