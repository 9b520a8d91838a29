import { join } from 'node:path';
import { describeTokenStore } from '@codex-oauth/core/testing';
import { withLock } from '@codex-oauth/store-file';
import { describe } from 'vitest';
import { keyringStore } from '../src/index.js';
import { rawEntry } from './raw-entry.js';
import { skipReason, titled, useSecretService } from './secret-service-env.js';

const { root } = useSecretService();
const home = (id: string) => join(root, id);
const common = (suffix: string) => ({
  cleanup: async ({ id }: { id: string }) => {
    await rawEntry(home(`${id}${suffix}`)).deletePassword();
  },
  inspect: ({ id }: { id: string }) => rawEntry(home(`${id}${suffix}`)).getPassword(),
  plantUnreadable: ({ id }: { id: string }, data: string) =>
    rawEntry(home(`${id}${suffix}`)).setPassword(data),
});

describe.skipIf(skipReason)(titled('store-keyring on a real Secret Service'), () => {
  describeTokenStore({
    name: 'store-keyring (auth.lock flock)',
    create: ({ id }) => keyringStore({ codexHome: home(id), fileLock: withLock }),
    ...common(''),
    crossProcess: {
      module: new URL('./fixtures/conformance-store.mjs', import.meta.url),
      input: ({ id }) => ({ codexHome: home(id) }),
    },
  });
  describeTokenStore({
    name: 'store-keyring (no file lock: in-process only)',
    create: ({ id }) => keyringStore({ codexHome: home(`${id}-nolock`) }),
    ...common('-nolock'),
  });
});
