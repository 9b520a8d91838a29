import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
