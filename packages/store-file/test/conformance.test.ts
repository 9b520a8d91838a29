import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTokenStore } from '@codex-oauth/core/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { fileStore, LOCK_BACKEND_ENV } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'codex-oauth-conformance-'));
const homeOf = (id: string) => join(root, id);
afterAll(() => rm(root, { recursive: true, force: true }));

const options = {
  create: ({ id }: { id: string }) => fileStore({ codexHome: homeOf(id) }),
  cleanup: ({ id }: { id: string }) => rm(homeOf(id), { recursive: true, force: true }),
  inspect: async ({ id }: { id: string }) =>
    readFile(join(homeOf(id), 'auth.json'), 'utf8').catch(() => null),
  plantUnreadable: ({ id }: { id: string }, data: string) => {
    mkdirSync(homeOf(id), { recursive: true });
    writeFileSync(join(homeOf(id), 'auth.json'), data, { mode: 0o600 });
  },
  crossProcess: {
    module: new URL('./fixtures/conformance-store.mjs', import.meta.url),
    input: ({ id }: { id: string }) => ({ codexHome: homeOf(id) }),
  },
};

describeTokenStore({ name: 'store-file (flock where available)', ...options });

describe('with the portable lock-file fallback', () => {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env[LOCK_BACKEND_ENV];
    process.env[LOCK_BACKEND_ENV] = 'lockfile';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env[LOCK_BACKEND_ENV];
    else process.env[LOCK_BACKEND_ENV] = previous;
  });
  describeTokenStore({ name: 'store-file (lockfile)', ...options });
});
