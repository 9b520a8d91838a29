import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthRecord,
  mergeRefreshedTokens,
  openaiProfile,
  recordFromTokens,
  refreshTokens,
  startDeviceLogin,
} from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { type MemoryStore, memoryStore } from '@codex-oauth/store-memory';
import { codexSkipReason } from '@codex-oauth/test-support/codex-cli';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppServerAuthBridge, connectAppServerAuth } from '../src/bridge.js';
import type { RefreshCallback } from '../src/refresh-responder.js';
import {
  type ChatgptBackendStub,
  startChatgptBackendStub,
} from './helpers/chatgpt-backend-stub.js';
import { type IsolatedAppServer, spawnIsolatedAppServer } from './helpers/spawn-app-server.js';

const skip = codexSkipReason();
if (skip) console.log(`real Codex app-server tests skipped: ${skip}`);

const ACCOUNT = '6f1c2d3e-bridge-account';

interface World {
  issuer: FakeIssuer;
  backend: ChatgptBackendStub;
  appServer: IsolatedAppServer;
  store: MemoryStore;
  first: AuthRecord;
  refresh: RefreshCallback;
  bridge?: AppServerAuthBridge;
  home: string;
}
let world: World | null = null;

afterEach(async () => {
  if (!world) return;
  world.bridge?.close();
  await world.appServer.stop();
  await world.backend.stop();
  await world.issuer.stop();
  await rm(world.home, { recursive: true, force: true });
  world = null;
});

/**
 * A fake issuer sign-in (device flow through core), a memory store holding it, the ChatGPT
 * backend stub (which calls the first access token expired) and Codex pointed at that stub.
 */
async function setUp(): Promise<World> {
  const issuer = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    account: { accountId: ACCOUNT, planType: 'pro', email: 'bridge.user@example.test' },
  });
  const provider = openaiProfile({ issuer: issuer.url, env: {} });
  const login = await startDeviceLogin({ provider, fetch: globalThis.fetch });
  const first = recordFromTokens(await login.result);
  const store = memoryStore({ initial: first });
  const backend = await startChatgptBackendStub({
    workspaces: [{ id: ACCOUNT, name: 'Bridge Workspace', planType: 'pro' }],
    rejectBearer: (token) => token === first.tokens?.accessToken,
  });
  const home = await mkdtemp(join(tmpdir(), 'app-server-auth-home-'));
  await writeFile(join(home, 'config.toml'), `chatgpt_base_url = "${backend.baseUrl}"\n`);
  const appServer = await spawnIsolatedAppServer({ codexHome: home, forwardPorts: [backend.port] });
  // What a host's refresh does through core: rotate at the issuer, save with compare-and-swap.
  const refresh: RefreshCallback = async ({ signal }) => {
    const current = await store.load();
    const refreshToken = current?.tokens?.refreshToken ?? '';
    const partial = await refreshTokens({
      fetch: globalThis.fetch,
      provider,
      refreshToken,
      signal,
      reason: 'unauthorized_recovery',
    });
    const next = mergeRefreshedTokens(current as AuthRecord, partial);
    await store.save(next, { previousRefreshToken: refreshToken });
    return next;
  };
  world = { issuer, backend, appServer, store, first, refresh, home };
  return world;
}

describe.skipIf(skip)(
  `bridge against the real codex app-server 0.169${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('is accepted after answering Codex refresh request with new tokens from the issuer', async () => {
      const w = await setUp();
      const answered: string[] = [];
      w.bridge = await connectAppServerAuth({
        appServer: w.appServer.child,
        store: w.store,
        refresh: w.refresh,
      });
      w.bridge.on('refreshAnswered', ({ accountId }) => answered.push(accountId));

      const login = await w.bridge.login;
      expect(login, w.appServer.stderr()).toMatchObject({ success: true, error: null });
      const read = await w.bridge.accountRead();
      expect(read.account).toEqual({
        type: 'chatgpt',
        email: 'bridge.user@example.test',
        planType: 'pro',
        workspaceName: 'Bridge Workspace',
      });
      expect(read.workspaceRouting?.chatgptAccountId).toBe(ACCOUNT);

      // Codex presented the first token, got 401, asked us, and retried with the issuer's new one.
      const checks = w.backend.requests.filter(
        (r) => r.path === '/backend-api/wham/accounts/check',
      );
      const refreshed = (await w.store.load())?.tokens?.accessToken;
      expect(checks[0]).toMatchObject({ status: 401, accountId: ACCOUNT });
      expect(checks[0]?.bearer === w.first.tokens?.accessToken).toBe(true);
      expect(checks[1]?.status).toBe(200);
      expect(checks[1]?.bearer === refreshed).toBe(true);
      expect(w.issuer.issued.grants[0]?.refreshCount).toBe(1);
      expect(answered).toEqual([ACCOUNT]);
    }, 60_000);

    it('forwards a token change from the store to the running app-server', async () => {
      const w = await setUp();
      w.bridge = await connectAppServerAuth({
        appServer: w.appServer.child,
        store: w.store,
        refresh: w.refresh,
      });
      expect((await w.bridge.login).success).toBe(true);

      // The host refreshes on its own (no request from Codex): the new token must reach Codex,
      // which shows because its next discovery call carries it.
      const sent = new Promise((resolve) => w.bridge?.on('tokensSent', resolve));
      await w.refresh({
        previousAccountId: ACCOUNT,
        reason: 'host',
        signal: new AbortController().signal,
      });
      expect(await sent).toMatchObject({ cause: 'storeChange', accountId: ACCOUNT });
      const latest = (await w.store.load())?.tokens?.accessToken;
      const seen = await w.backend.waitFor((r) => r.bearer === latest);
      expect(seen.status).toBe(200);
      expect((await w.bridge.accountRead()).account).toMatchObject({
        type: 'chatgpt',
        planType: 'pro',
      });
    }, 60_000);

    it('reports Codex verdict when the refresh answer is refused (mismatched account)', async () => {
      const w = await setUp();
      const failed: string[] = [];
      w.bridge = await connectAppServerAuth({
        appServer: w.appServer.child,
        store: w.store,
        refresh: async () => ({
          accessToken: 'not.used.here',
          chatgptAccountId: 'another-account',
          chatgptPlanType: null,
        }),
      });
      w.bridge.on('refreshFailed', ({ reason }) => failed.push(reason));
      const login = await w.bridge.login;
      expect(login).toMatchObject({
        success: false,
        error: 'workspace routing discovery unauthorized (401)',
      });
      expect(failed).toEqual(['mismatch']);
    }, 60_000);
  },
);
