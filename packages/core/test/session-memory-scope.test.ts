import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { memoryStore } from '@codex-oauth/store-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, logout, status } from '../src/session/index.js';
import { baseOptions, tempHome } from './helpers/session-fixtures.js';

// What the `storage` option's TSDoc and both READMEs promise: `storage: 'memory'` is ONE store
// for the whole process, whatever else the call says, while `store: memoryStore()` is one store
// per host session.

let fake: FakeIssuer;
let homes: Awaited<ReturnType<typeof tempHome>>[];
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any', deviceAutoApprove: false });
  homes = [await tempHome(), await tempHome()];
});
afterEach(async () => {
  await logout({ ...baseOptions(fake, homes[0]!.dir), storage: 'memory', revoke: false });
  await fake.stop();
  for (const home of homes) await home.cleanup();
});

describe('how far a memory store reaches', () => {
  it("storage: 'memory' is process-wide: a second user's call sees the first user's sign-in", async () => {
    const alice = { ...baseOptions(fake, homes[0]!.dir), storage: 'memory' as const };
    // Another user of the same host: another CODEX_HOME and environment change nothing.
    const bob = {
      ...baseOptions(fake, homes[1]!.dir),
      storage: 'memory' as const,
      env: { CODEX_HOME: homes[1]!.dir, HOME: homes[1]!.dir },
    };
    expect((await status(bob)).authenticated).toBe(false);
    const signedIn = await login(alice);
    const seenByBob = await status(bob);
    expect(seenByBob).toMatchObject({ authenticated: true, storageUsed: 'memory' });
    expect(seenByBob.accountId).toBe(signedIn.accountId);
    // And a logout by either ends it for both.
    await logout({ ...bob, revoke: false });
    expect((await status(alice)).authenticated).toBe(false);
  });

  it('store: memoryStore() per host session keeps two users apart', async () => {
    const alice = { ...baseOptions(fake, homes[0]!.dir), store: memoryStore() };
    const bob = { ...baseOptions(fake, homes[1]!.dir), store: memoryStore() };
    await login(alice);
    expect((await status(alice)).authenticated).toBe(true);
    expect((await status(bob)).authenticated).toBe(false);
    // Nor do they reach the process-wide one.
    expect(
      (await status({ ...baseOptions(fake, homes[0]!.dir), storage: 'memory' })).authenticated,
    ).toBe(false);
    await logout({ ...alice, revoke: false });
  });
});
