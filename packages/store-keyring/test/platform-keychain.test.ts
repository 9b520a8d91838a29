/**
 * macOS Keychain and Windows Credential Manager: the same code path as Linux (the binding, the
 * same service and account, no pin), checked only on those systems. This project's machines are
 * Linux, so here these tests are skipped with that reason.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestRecord } from '@codex-oauth/core/testing';
import { describe, expect, it } from 'vitest';
import { keyringStore } from '../src/index.js';

const systems = [
  ['darwin', 'macOS Keychain'],
  ['win32', 'Windows Credential Manager'],
] as const;

describe('platform keychains', () => {
  for (const [platform, name] of systems) {
    const skip = process.platform !== platform;
    it.skipIf(skip)(
      `${name}: save, load and clear one entry${skip ? ` (skipped: needs ${platform}, this is ${process.platform})` : ''}`,
      async () => {
        const home = await mkdtemp(join(tmpdir(), 'codex-keychain-'));
        const store = keyringStore({ codexHome: home });
        try {
          const record = makeTestRecord();
          await store.save(record);
          expect((await store.load())?.tokens?.refreshToken).toBe(record.tokens?.refreshToken);
          expect(await store.clear()).toBe(true);
          expect(await store.load()).toBeNull();
        } finally {
          await store.clear().catch(() => false);
          await rm(home, { recursive: true, force: true });
        }
      },
    );
  }
});
