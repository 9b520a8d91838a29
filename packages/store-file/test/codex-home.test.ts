import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ErrorCodes } from '@codex-oauth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveCodexHome } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codex-oauth-home-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('resolveCodexHome', () => {
  it('the option wins, made absolute, and need not exist yet', () => {
    expect(resolveCodexHome({ codexHome: 'rel/home', env: { CODEX_HOME: '/nope' } })).toBe(
      resolve('rel/home'),
    );
  });

  it('refuses an option that names a regular file, up front, as CODEX_HOME is refused', async () => {
    await writeFile(join(dir, 'file'), '');
    expect(() => resolveCodexHome({ codexHome: join(dir, 'file') })).toThrow(
      expect.objectContaining({
        code: ErrorCodes.CODEX_HOME_INVALID,
        message: expect.stringContaining('--codex-home'),
      }),
    );
  });

  it('uses CODEX_HOME when it is an existing directory, canonicalized like Codex', async () => {
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real'), join(dir, 'link'));
    expect(resolveCodexHome({ env: { CODEX_HOME: join(dir, 'link') } })).toBe(
      await realpath(join(dir, 'real')),
    );
  });

  it('refuses a CODEX_HOME that does not exist or is not a directory, saying what to do', async () => {
    const missing = join(dir, 'missing');
    expect(() => resolveCodexHome({ env: { CODEX_HOME: missing } })).toThrow(
      expect.objectContaining({
        code: ErrorCodes.CODEX_HOME_INVALID,
        message: expect.stringMatching(/does not exist.*mkdir -m 700/),
      }),
    );
    await writeFile(join(dir, 'file'), '');
    expect(() => resolveCodexHome({ env: { CODEX_HOME: join(dir, 'file') } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('is not a directory') }),
    );
  });

  it('falls back to ~/.codex when CODEX_HOME is unset or empty', () => {
    expect(resolveCodexHome({ env: { HOME: dir } })).toBe(join(dir, '.codex'));
    expect(resolveCodexHome({ env: { HOME: dir, CODEX_HOME: '' } })).toBe(join(dir, '.codex'));
  });
});
