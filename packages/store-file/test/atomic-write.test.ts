import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes } from '@codex-oauth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempFileName, writeFileAtomic } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codex-oauth-atomic-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('writeFileAtomic', () => {
  it('writes the text, mode 0600, and creates missing directories 0700', async () => {
    const file = join(dir, 'a', 'b', 'auth.json');
    await writeFileAtomic(file, '{"x": "é"}');
    expect(await readFile(file, 'utf8')).toBe('{"x": "é"}');
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(join(dir, 'a', 'b'))).toBe(0o700);
    expect(await modeOf(join(dir, 'a'))).toBe(0o700);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['auth.json']);
  });

  it('tightens a looser existing file to 0600 and leaves an existing directory alone', async () => {
    const file = join(dir, 'auth.json');
    await writeFile(file, 'old', { mode: 0o644 });
    const dirMode = await modeOf(dir);
    await writeFileAtomic(file, 'new');
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(dir)).toBe(dirMode);
  });

  it('removes temp files a killed writer left (ours, older than a minute) on the next write', async () => {
    const file = join(dir, 'auth.json');
    const old = new Date(Date.now() - 5 * 60_000);
    const leftovers = ['.auth-AbC123', '.auth-zzzzzz'];
    const kept = ['.auth-fresh1', '.other-AbC123', '.auth-AbC1234', 'auth-AbC123', '.auth-dir000'];
    for (const name of [...leftovers, ...kept.slice(0, 4)]) {
      await writeFile(join(dir, name), '{"tokens":"live"}');
    }
    await mkdir(join(dir, '.auth-dir000'));
    await symlink(join(dir, 'auth.json'), join(dir, '.auth-link00'));
    for (const name of [...leftovers, ...kept.slice(1)]) await utimes(join(dir, name), old, old);
    await writeFileAtomic(file, 'new');
    const left = (await readdir(dir)).sort();
    expect(left).toEqual(['auth.json', '.auth-link00', ...kept].sort());
  });

  it('names temp files like Codex (.auth-XXXXXX), randomly', () => {
    const names = new Set(Array.from({ length: 50 }, () => tempFileName('/h/auth.json')));
    for (const name of names) expect(name).toMatch(/^\/h\/\.auth-[A-Za-z0-9]{6}$/);
    expect(names.size).toBe(50);
  });

  it('is not blocked by temp files a killed writer left behind', async () => {
    const file = join(dir, 'auth.json');
    for (let i = 0; i < 20; i++) await writeFile(tempFileName(file), 'stale', { flag: 'wx' });
    await writeFile(join(dir, 'auth.json.tmp'), 'stale');
    await writeFileAtomic(file, 'fresh');
    expect(await readFile(file, 'utf8')).toBe('fresh');
  });

  // Tests run as root, where chmod 0500 does not stop a write; these failures are real anyway.
  it('fails with STORE_WRITE_FAILED when the target is a directory, leaving no temp file', async () => {
    const file = join(dir, 'auth.json');
    await mkdir(file);
    await writeFile(join(file, 'inside'), 'kept');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({
      code: ErrorCodes.STORE_WRITE_FAILED,
      message: expect.stringContaining(file),
    });
    expect((await readdir(dir)).sort()).toEqual(['auth.json']);
    expect(await readFile(join(file, 'inside'), 'utf8')).toBe('kept');
  });

  it('fails with STORE_WRITE_FAILED when a parent is a file, or may not be created', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    const err = await writeFileAtomic(join(dir, 'plain', 'auth.json'), 'x').catch((e) => e);
    expect(err).toMatchObject({ code: ErrorCodes.STORE_WRITE_FAILED });
    expect(err.message).toContain('is not a directory');
    expect(err.cause).toBeDefined();
    await expect(
      writeFileAtomic(join(dir, 'missing', 'auth.json'), 'x', { createDirectory: false }),
    ).rejects.toMatchObject({ code: ErrorCodes.STORE_WRITE_FAILED });
    expect(await readdir(dir)).toEqual(['plain']);
  });
});
