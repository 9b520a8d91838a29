import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthRecord,
  login,
  mergeRefreshedTokens,
  openaiProfile,
  recordFromTokens,
  refreshTokens,
  startDeviceLogin,
} from '@codex-oauth/core';
import {
  ACCOUNTS_CHECK_PATH,
  type FakeIssuer,
  type FakeRequest,
  startFakeIssuer,
} from '@codex-oauth/fake-issuer';
import { type MemoryStore, memoryStore } from '@codex-oauth/store-memory';
import {
  CODEX_VERSIONS,
  type CodexVersion,
  codexSkipReason,
  type IsolatedProcess,
  spawnCodex,
} from '@codex-oauth/test-support/codex-cli';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AppServerAuthBridge, connectAppServerAuth } from '../src/bridge.js';
import { JsonRpcConnection } from '../src/json-rpc.js';
import { awaitAppServerReady } from '../src/ready-signal.js';
import type { RefreshCallback } from '../src/refresh-responder.js';

const ACCOUNT = '6f1c2d3e-bridge-account';

interface World {
  issuer: FakeIssuer;
  appServer: IsolatedProcess;
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
  await world.issuer.stop();
  await rm(world.home, { recursive: true, force: true });
  world = null;
});

/** The workspace checks Codex made, oldest first. */
const checks = (issuer: FakeIssuer): FakeRequest[] =>
  issuer.requests.filter((r) => r.path === ACCOUNTS_CHECK_PATH);

/** The bearer token of a logged request (kept in memory for comparisons, never printed). */
const bearerOf = (r: FakeRequest | undefined): string | undefined =>
  /^Bearer (.+)$/.exec(r?.headers.authorization ?? '')?.[1];

/**
 * A fake issuer sign-in (device flow through core), a memory store holding it, and Codex with
 * `chatgpt_base_url` at the same fake issuer's ChatGPT backend, which is told to refuse the first
 * access token (as if it had expired early) so Codex must ask the bridge for a refresh.
 */
async function setUp(version: CodexVersion): Promise<World> {
  const issuer = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    account: {
      accountId: ACCOUNT,
      planType: 'pro',
      email: 'bridge.user@example.test',
      workspaceName: 'Bridge Workspace',
    },
  });
  const provider = openaiProfile({ issuer: issuer.url, env: {} });
  const login = await startDeviceLogin({ provider, fetch: globalThis.fetch });
  const first = recordFromTokens(await login.result);
  const store = memoryStore({ initial: first });
  issuer.rejectAccessToken(first.tokens?.accessToken ?? '');
  const home = await mkdtemp(join(tmpdir(), 'app-server-auth-home-'));
  await writeFile(join(home, 'config.toml'), `chatgpt_base_url = "${issuer.chatgptBaseUrl}"\n`);
  const appServer = await spawnCodex(['app-server'], {
    codexHome: home,
    forwardPorts: [issuer.port],
    env: { RUST_LOG: 'warn' },
    version,
  });
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
  world = { issuer, appServer, store, first, refresh, home };
  return world;
}

for (const version of CODEX_VERSIONS) {
  const skip = codexSkipReason(version);
  describe.skipIf(skip)(
    `bridge against the real codex app-server ${version}${skip ? ` (skipped: ${skip})` : ''}`,
    () => {
      it('is accepted after answering Codex refresh request with new tokens from the issuer', async () => {
        const w = await setUp(version);
        const answered: string[] = [];
        w.bridge = await connectAppServerAuth({
          appServer: w.appServer,
          store: w.store,
          refresh: w.refresh,
        });
        w.bridge.on('refreshAnswered', ({ accountId }) => answered.push(accountId));

        const login = await w.bridge.login;
        expect(login, w.appServer.stderrText()).toMatchObject({ success: true, error: null });
        const read = await w.bridge.accountRead();
        expect(read.account).toEqual({
          type: 'chatgpt',
          email: 'bridge.user@example.test',
          planType: 'pro',
          workspaceName: 'Bridge Workspace',
        });
        expect(read.workspaceRouting?.chatgptAccountId).toBe(ACCOUNT);

        // Codex presented the first token, got 401, asked us, and retried with the issuer's new one.
        const [rejected, accepted] = checks(w.issuer);
        const refreshed = (await w.store.load())?.tokens?.accessToken;
        expect(rejected?.status).toBe(401);
        expect(rejected?.headers['chatgpt-account-id']).toBe(ACCOUNT);
        expect(bearerOf(rejected) === w.first.tokens?.accessToken).toBe(true);
        expect(accepted?.status).toBe(200);
        expect(bearerOf(accepted) === refreshed).toBe(true);
        expect(w.issuer.issued.grants[0]?.refreshCount).toBe(1);
        expect(answered).toEqual([ACCOUNT]);
      }, 60_000);

      it('forwards a token change from the store to the running app-server', async () => {
        const w = await setUp(version);
        w.bridge = await connectAppServerAuth({
          appServer: w.appServer,
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
        const seen = await vi.waitFor(
          () => {
            const found = checks(w.issuer).find((r) => bearerOf(r) === latest);
            if (!found) throw new Error('Codex has not presented the new token yet');
            return found;
          },
          { timeout: 30_000, interval: 50 },
        );
        expect(seen.status).toBe(200);
        expect((await w.bridge.accountRead()).account).toMatchObject({
          type: 'chatgpt',
          planType: 'pro',
        });
      }, 60_000);

      it('reports Codex verdict when the refresh answer is refused (mismatched account)', async () => {
        const w = await setUp(version);
        const failed: string[] = [];
        w.bridge = await connectAppServerAuth({
          appServer: w.appServer,
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
}

for (const version of CODEX_VERSIONS) {
  const skip = codexSkipReason(version);
  describe.skipIf(skip)(
    `ready signal of an app-server with its own auth.json, Codex ${version}${skip ? ` (skipped: ${skip})` : ''}`,
    () => {
      it("resolves on 0.171's workspaceRoutingReady, on 0.169's first account/updated", async () => {
        const issuer = await startFakeIssuer({
          deviceAutoApprove: true,
          deviceInterval: '0',
          account: { accountId: ACCOUNT, planType: 'pro', workspaceName: 'Bridge Workspace' },
        });
        const home = await mkdtemp(join(tmpdir(), 'app-server-auth-ready-'));
        let appServer: IsolatedProcess | undefined;
        try {
          // The sign-in a host keeps in auth.json (e.g. with codex-oauth keep-fresh running).
          await login({
            codexHome: home,
            storage: 'file',
            issuer: issuer.url,
            flow: 'device',
            interactive: true,
            env: { CODEX_HOME: undefined, CODEX_OAUTH_ISSUER: undefined },
          });
          await writeFile(
            join(home, 'config.toml'),
            `chatgpt_base_url = "${issuer.chatgptBaseUrl}"\n`,
          );
          appServer = await spawnCodex(['app-server'], {
            codexHome: home,
            forwardPorts: [issuer.port],
            env: { RUST_LOG: 'warn' },
            version,
          });
          const rpc = new JsonRpcConnection(appServer.stdout, appServer.stdin);
          const ready = awaitAppServerReady(rpc);
          await rpc.request('initialize', {
            clientInfo: { name: 'codex_oauth_test', title: null, version: '0' },
            capabilities: { experimentalApi: true, requestAttestation: false },
          });
          rpc.notify('initialized');
          expect(await ready, appServer.stderrText()).toEqual({
            ready: true,
            via: version === '0.169.0' ? 'accountUpdated' : 'workspaceRoutingReady',
            error: null,
          });
          const read = (await rpc.request('account/read', {})) as { workspaceRouting: unknown };
          expect(read.workspaceRouting).toMatchObject({ chatgptAccountId: ACCOUNT });
          rpc.close();
        } finally {
          await appServer?.stop();
          await issuer.stop();
          await rm(home, { recursive: true, force: true });
        }
      }, 60_000);
    },
  );
}
