// TEMPORARY: issue 14's `TokenStoreDriver`, copied from its text until `defineTokenStore` lands in
// `@codex-oauth/core`; then this file is deleted and the import switches to core.
import type { TokenStoreCapabilities } from '@codex-oauth/core';

/** The minimum a backend does for `defineTokenStore` (issue 14): keep one string, safely. */
export interface TokenStoreDriver {
  kind: string;
  capabilities?: Partial<TokenStoreCapabilities>;
  read(): Promise<string | null>;
  write(value: string, expected?: string | null): Promise<boolean>;
  remove(): Promise<boolean>;
  lock?<T>(fn: () => Promise<T>): Promise<T>;
  watch?(onChange: () => void): () => void;
  describe?(): { location?: string; warnings?: readonly string[] };
}
