import { join } from 'node:path';
import { describeTokenStore } from '@codex-oauth/core/testing';
import { withLock } from '@codex-oauth/store-file';
import { describe } from 'vitest';
import { keyringStore } from '../src/index.js';
import { skipReason, titled, useSecretService } from './secret-service-env.js';

const { root } = useSecretService();
const home = (id: string) => join(root, id);

describe.skipIf(skipReason)(titled('store-keyring on a real Secret Service'), () => {
  describeTokenStore({
    name: 'store-keyring (auth.lock flock)',
    create: ({ id }) => keyringStore({ codexHome: home(id), fileLock: withLock }),
    cleanup: async ({ id }) => {
      await keyringStore({ codexHome: home(id) }).clear();
    },
  });
  describeTokenStore({
    name: 'store-keyring (no file lock: in-process only)',
    create: ({ id }) => keyringStore({ codexHome: home(`${id}-nolock`) }),
    cleanup: async ({ id }) => {
      await keyringStore({ codexHome: home(`${id}-nolock`) }).clear();
    },
  });
});
