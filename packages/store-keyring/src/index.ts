export { KEYRING_SERVICE, keyringAccount } from './entry-account.js';
export { keyringCodec } from './keyring-codec.js';
export { KEYRING_TIMEOUT_MS } from './keyring-entry.js';
export {
  type FileLockFn,
  type KeyringStore,
  type KeyringStoreOptions,
  keyringStore,
} from './keyring-store.js';
