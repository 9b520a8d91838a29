import { existsSync } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { memoryStore } from '@codex-oauth/store-memory';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { login, status } from '../src/session/index.js';
import type { Flow, Storage } from '../src/session/options.js';
import { importStore } from '../src/session/resolve-store.js';
import { baseOptions, type TempHome, useIssuerAndHome } from './helpers/session-fixtures.js';

let fake: FakeIssuer;
let home: TempHome;
useIssuerAndHome((sandbox) => {
  ({ fake, home } = sandbox);
});

describe('store resolution', () => {
  it('a store package that is not installed is STORE_MISSING, naming what to install', async () => {
    const error = (await importStore('@codex-oauth/store-not-installed').catch((e) => e)) as {
      code: string;
      message: string;
    };
    expect(error.code).toBe(ErrorCodes.STORE_MISSING);
    expect(error.message).toContain('npm install @codex-oauth/store-not-installed');
  });

  it('storage auto means auth.json', async () => {
    const result = await login(baseOptions(fake, home.dir, { storage: 'auto' }));
    expect(result.storageUsed).toBe('file');
    expect(existsSync(join(home.dir, 'auth.json'))).toBe(true);
  });

  it('a given store wins over storage', async () => {
    const store = memoryStore();
    const result = await login(baseOptions(fake, home.dir, { storage: 'file', store }));
    expect(result).toMatchObject({ storageUsed: 'memory', persisted: false });
    expect(existsSync(join(home.dir, 'auth.json'))).toBe(false);
    expect((await store.load())?.authMode).toBe('chatgpt');
    expect((await status({ ...baseOptions(fake, home.dir), store })).authenticated).toBe(true);
  });

  it('unknown storage or flow values are INVALID_OPTION before anything starts', async () => {
    await expect(
      status(baseOptions(fake, home.dir, { storage: 'disk' as Storage })),
    ).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(
      login(baseOptions(fake, home.dir, { flow: 'carrier-pigeon' as Flow })),
    ).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('store warnings in results', () => {
  it.skipIf(process.platform === 'win32')(
    'a sign-in over a loose auth.json does not report the mode its save just fixed',
    async () => {
      await login(baseOptions(fake, home.dir));
      const file = join(home.dir, 'auth.json');
      await chmod(file, 0o644);
      const before = await status(baseOptions(fake, home.dir));
      expect(before.warnings.some((w) => w.includes('has mode 0644'))).toBe(true);

      const again = await login(baseOptions(fake, home.dir, { forceNew: true }));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(again.warnings.filter((w) => w.includes('has mode'))).toEqual([]);
      expect((await status(baseOptions(fake, home.dir))).warnings).toEqual([]);
    },
  );
});
