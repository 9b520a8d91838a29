import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codexConfigReader } from '../src/codex-config.js';
import { readCodexConfig } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codex-oauth-config-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));
const withConfig = async (text: string) => {
  await writeFile(join(dir, 'config.toml'), text);
  return readCodexConfig(dir);
};

describe('readCodexConfig', () => {
  it('has Codex defaults when there is no config.toml', () => {
    expect(readCodexConfig(dir)).toMatchObject({
      credentialsStore: 'file',
      forcedWorkspaceIds: null,
      forcedLoginMethod: null,
      warnings: [],
    });
  });

  it.each(['keyring', 'auto', 'ephemeral'])(
    'warns for cli_auth_credentials_store = "%s"',
    async (mode) => {
      const config = await withConfig(`model = "o3"\ncli_auth_credentials_store = "${mode}"\n`);
      expect(config.credentialsStore).toBe(mode);
      expect(config.warnings).toHaveLength(1);
      expect(config.warnings[0]).toContain('cli_auth_credentials_store = "file"');
    },
  );

  it('reads forced_chatgpt_workspace_id as a string or a list, and forced_login_method', async () => {
    expect(
      await withConfig('forced_chatgpt_workspace_id = "ws-1"\nforced_login_method = "chatgpt"\n'),
    ).toMatchObject({ forcedWorkspaceIds: ['ws-1'], forcedLoginMethod: 'chatgpt', warnings: [] });
    expect(
      await withConfig(
        'forced_chatgpt_workspace_id = ["ws-1", "ws-2"]\nforced_login_method = "api"\n',
      ),
    ).toMatchObject({ forcedWorkspaceIds: ['ws-1', 'ws-2'], forcedLoginMethod: 'api' });
  });

  it('a file that is not TOML is a warning, not a crash', async () => {
    const config = await withConfig('cli_auth_credentials_store = \n[[[');
    expect(config.credentialsStore).toBe('file');
    expect(config.warnings[0]).toMatch(/not valid TOML/);
  });

  it('values Codex would reject are warnings and ignored', async () => {
    const config = await withConfig(
      'cli_auth_credentials_store = "vault"\nforced_login_method = "sso"\nforced_chatgpt_workspace_id = 3\n',
    );
    expect(config).toMatchObject({
      credentialsStore: 'file',
      forcedLoginMethod: null,
      forcedWorkspaceIds: null,
    });
    expect(config.warnings).toHaveLength(3);
  });
});

describe('codexConfigReader (the file store reads config.toml through it)', () => {
  it('parses again only when the file changes, and hands out copies', async () => {
    const read = codexConfigReader(dir);
    expect(read()).toMatchObject({ credentialsStore: 'file', warnings: [] });

    await writeFile(join(dir, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
    const first = read();
    expect(first.credentialsStore).toBe('keyring');
    first.warnings.push('changed by the caller');
    expect(read().warnings).toHaveLength(1);

    // Same inode, another size: a new version of the file.
    await writeFile(join(dir, 'config.toml'), 'forced_chatgpt_workspace_id = ["ws-1"]\n');
    expect(read()).toMatchObject({ credentialsStore: 'file', forcedWorkspaceIds: ['ws-1'] });

    await rm(join(dir, 'config.toml'));
    expect(read()).toMatchObject({ forcedWorkspaceIds: null, warnings: [] });
  });

  it('does not parse an unchanged file twice', async () => {
    const file = join(dir, 'config.toml');
    const second = 1_700_000_000; // a whole second: set and read back exactly
    await writeFile(file, 'forced_login_method = "api"\n');
    await utimes(file, second, second);
    const read = codexConfigReader(dir);
    const before = read();
    expect(before.forcedLoginMethod).toBe('api');
    // Different bytes of the same size in the same inode, with the old mtime put back: to the
    // reader this is the version it parsed, so the first parse is served again.
    await writeFile(file, 'forced_login_method = "zzz"\n');
    await utimes(file, second, second);
    expect(read()).toEqual(before);
    expect(readCodexConfig(dir).warnings).toHaveLength(1);
  });
});
