import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTokenStore } from '@codex-oauth/core/testing';
import { afterAll } from 'vitest';
import { fileAccounts } from '../src/index.js';

// An inactive account's store (what `account: …` resolves to) is an ordinary TokenStore: the
// contract suite holds for it as for auth.json itself.
const root = mkdtempSync(join(tmpdir(), 'codex-oauth-account-conformance-'));
const homeOf = (id: string) => join(root, id);
const KEY = '0123456789abcdef';
const entryDir = (id: string) => join(homeOf(id), 'codex-oauth', 'accounts', KEY);
afterAll(() => rm(root, { recursive: true, force: true }));

describeTokenStore({
  name: 'store-file account entry',
  create: ({ id }: { id: string }) => fileAccounts({ codexHome: homeOf(id) }).store(KEY),
  cleanup: ({ id }: { id: string }) => rm(homeOf(id), { recursive: true, force: true }),
  inspect: async ({ id }: { id: string }) =>
    readFile(join(entryDir(id), 'auth.json'), 'utf8').catch(() => null),
  plantUnreadable: ({ id }: { id: string }, data: string) => {
    mkdirSync(entryDir(id), { recursive: true });
    writeFileSync(join(entryDir(id), 'auth.json'), data, { mode: 0o600 });
  },
  crossProcess: {
    module: new URL('./fixtures/account-conformance-store.mjs', import.meta.url),
    input: ({ id }: { id: string }) => ({ codexHome: homeOf(id), key: KEY }),
  },
});
