import { randomUUID } from 'node:crypto';
import type { TestContext } from 'vitest';
import type { TokenStore } from '../store/token-store.js';

/** Identifies one test's backing location, so two `create` calls can share (or not) a record. */
export interface StoreTestContext {
  /** Unique per test: stores created with the same id must see the same data if persistent. */
  readonly id: string;
}

/** How the suite builds your store in a second process, for the two-process lock test. */
export interface CrossProcessOptions {
  /**
   * An ES module Node can import as it is (`.js`/`.mjs`, no TypeScript), exporting
   * `createStore(input)` that returns (or resolves to) the same store `create` makes.
   */
  module: string | URL;
  /** The JSON-serializable `input` for `createStore` in the child; default the test context. */
  input?(context: StoreTestContext): unknown;
}

/** How the conformance suite makes, inspects and cleans up your store. */
export interface DescribeTokenStoreOptions {
  /** Shown in the suite title. */
  name: string;
  /** A store for this test. Called more than once with the same context to check sharing. */
  create(context: StoreTestContext): TokenStore | Promise<TokenStore>;
  /** Removes whatever the test left behind. */
  cleanup?(context: StoreTestContext): void | Promise<void>;
  /**
   * The raw stored form, or `null`/`undefined` when nothing is stored: lets the suite check what
   * was really written, not only what `load` says.
   */
  inspect?(context: StoreTestContext): unknown | Promise<unknown>;
  /**
   * Puts `data` where the store keeps its record, bypassing the store, as a damaged file or a
   * foreign writer would. Enables the corrupt-data tests: `load` must then throw
   * `CODEX_OAUTH_STORE_CORRUPT` and no save may overwrite it. For a `defineTokenStore` store,
   * writing `data` through your backend directly is enough.
   */
  plantUnreadable?(context: StoreTestContext, data: string): void | Promise<void>;
  /**
   * Required when the store declares `capabilities.crossProcessLock`: the suite then holds
   * `withLock` in a child process and checks this process cannot enter.
   */
  crossProcess?: CrossProcessOptions;
}

/** The body of one suite test. */
export type StoreTestBody = (
  store: TokenStore,
  context: StoreTestContext,
  test: TestContext,
) => Promise<void>;

/**
 * Wraps a test body: a fresh context and store, then cleanup whatever happened. Every concern's
 * file builds its tests with it.
 */
export function storeTest(options: DescribeTokenStoreOptions, body: StoreTestBody) {
  return async (test: TestContext): Promise<void> => {
    const context: StoreTestContext = { id: randomUUID() };
    try {
      await body(await options.create(context), context, test);
    } finally {
      await options.cleanup?.(context);
    }
  };
}

/** What an error is, for a failure message: its code or class, never its message (it may hold data). */
export function describeError(error: unknown): string {
  if (error === undefined) return 'nothing (it resolved)';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `an error with code ${code}`;
  return error instanceof Error ? `a raw ${error.name}` : `a thrown ${typeof error}`;
}
