import { type AuthRecord, CodexOAuthError, ErrorCodes } from '@codex-oauth/core';
import { makeTestRecord } from '@codex-oauth/core/testing';
import { memoryStore } from '@codex-oauth/store-memory';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AppServerAuthBridge,
  type AppServerAuthOptions,
  connectAppServerAuth,
} from '../src/bridge.js';
import { JsonRpcError } from '../src/json-rpc-error.js';
import type { RefreshCallback } from '../src/refresh-responder.js';
import { next, type RpcPair, rpcPair } from './helpers/rpc-pair.js';

const ACCOUNT = 'acct_1';

interface Harness {
  pair: RpcPair;
  bridge: AppServerAuthBridge;
  store: ReturnType<typeof memoryStore>;
  initialize: unknown[];
  logins: Record<string, unknown>[];
  logouts: number;
  record: AuthRecord;
}

let open: Harness | null = null;
afterEach(() => {
  open?.bridge.close();
  open?.pair.server.close();
  open = null;
});

/** A stand-in app-server that records what the bridge sends, and a bridge connected to it. */
async function harness(
  refresh: RefreshCallback,
  extra: Partial<AppServerAuthOptions> = {},
): Promise<Harness> {
  const pair = rpcPair();
  const record = makeTestRecord({ accountId: ACCOUNT, planType: 'pro' });
  const store = memoryStore({ initial: record });
  const h = { pair, store, record, initialize: [], logins: [], logouts: 0 } as unknown as Harness;
  pair.server.onRequest('initialize', (params) => {
    h.initialize.push(params);
    return {
      userAgent: 'stand-in',
      codexHome: '/tmp',
      platformFamily: 'unix',
      platformOs: 'linux',
    };
  });
  pair.server.onRequest('account/login/start', (params) => {
    h.logins.push(params as Record<string, unknown>);
    return { type: 'chatgptAuthTokens' };
  });
  pair.server.onRequest('account/logout', () => {
    h.logouts++;
    return {};
  });
  h.bridge = await connectAppServerAuth({
    appServer: pair.clientStreams,
    store,
    refresh,
    ...extra,
  });
  open = h;
  return h;
}

const neverCalled: RefreshCallback = () => Promise.reject(new Error('refresh was not expected'));

/** What a host's refresh does: new tokens for the same account, saved to the store. */
function refreshInto(store: ReturnType<typeof memoryStore>, accountId = ACCOUNT): RefreshCallback {
  return async () => {
    const fresh = makeTestRecord({ accountId, planType: 'pro' });
    await store.save(fresh);
    return fresh;
  };
}

function askRefresh(h: Harness, previousAccountId: string | null = ACCOUNT) {
  return h.pair.server.request<Record<string, unknown>>('account/chatgptAuthTokens/refresh', {
    reason: 'unauthorized',
    previousAccountId,
  });
}

describe('connectAppServerAuth', () => {
  it('initializes with experimentalApi and sends login/start with the stored tokens', async () => {
    const h = await harness(neverCalled);
    expect(h.initialize).toEqual([
      {
        clientInfo: { name: 'codex_oauth', title: 'codex-oauth', version: '0.1.0' },
        capabilities: { experimentalApi: true, requestAttestation: false },
      },
    ]);
    expect(h.logins).toEqual([
      {
        type: 'chatgptAuthTokens',
        accessToken: h.record.tokens?.accessToken,
        chatgptAccountId: ACCOUNT,
        chatgptPlanType: 'pro',
      },
    ]);
    const methods = h.pair.clientLines.map((line) => JSON.parse(line).method);
    expect(methods).toEqual(['initialize', 'initialized', 'account/login/start']);
    expect(h.pair.clientLines.every((line) => JSON.parse(line).jsonrpc === '2.0')).toBe(true);
  });

  it('forwards a token change from the store', async () => {
    const h = await harness(neverCalled);
    const sent = next<{ cause: string }>((l) => h.bridge.on('tokensSent', l));
    const changed = makeTestRecord({ accountId: ACCOUNT, planType: 'plus' });
    await h.store.save(changed);
    expect(await sent).toEqual({ cause: 'storeChange', accountId: ACCOUNT, planType: 'plus' });
    expect(h.logins[1]).toEqual({
      type: 'chatgptAuthTokens',
      accessToken: changed.tokens?.accessToken,
      chatgptAccountId: ACCOUNT,
      chatgptPlanType: 'plus',
    });
  });

  it('sends account/logout when the store is cleared', async () => {
    const h = await harness(neverCalled);
    const out = next((l) => h.bridge.on('loggedOut', l));
    await h.store.clear();
    expect(await out).toEqual({ cause: 'storeCleared' });
    expect(h.logouts).toBe(1);
  });

  it('answers a refresh request with the new tokens, and does not re-send them', async () => {
    let h: Harness | undefined;
    h = await harness((ctx) => {
      expect(ctx.previousAccountId).toBe(ACCOUNT);
      return refreshInto((h as Harness).store)(ctx);
    });
    const answer = await askRefresh(h);
    const stored = await h.store.load();
    expect(answer).toEqual({
      accessToken: stored?.tokens?.accessToken,
      chatgptAccountId: ACCOUNT,
      chatgptPlanType: 'pro',
    });
    // A later change is sent; the refresh's own save before it was not (changes are queued in order).
    const sent = next((l) => h.bridge.on('tokensSent', l));
    const later = makeTestRecord({ accountId: ACCOUNT });
    await h.store.save(later);
    await sent;
    expect(h.logins.map((p) => p.accessToken)).toEqual([
      h.record.tokens?.accessToken,
      later.tokens?.accessToken,
    ]);
  });

  it('answers -32000 when the refreshed account differs from previousAccountId', async () => {
    let h: Harness | undefined;
    h = await harness((ctx) => refreshInto((h as Harness).store, 'acct_2')(ctx));
    const failed = next<{ reason: string }>((l) => h.bridge.on('refreshFailed', l));
    const error = await askRefresh(h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonRpcError);
    expect(error).toMatchObject({
      code: -32000,
      message: 'refreshed ChatGPT account did not match the previous account',
    });
    expect((await failed).reason).toBe('mismatch');
  });

  it('answers -32000 without the cause text when the refresh fails', async () => {
    const secret = 'rt_0123456789abcdef0123456789';
    const h = await harness(() =>
      Promise.reject(new CodexOAuthError(ErrorCodes.REFRESH_REJECTED, `refused ${secret}`)),
    );
    const error = (await askRefresh(h).catch((e: unknown) => e)) as JsonRpcError;
    expect(error).toMatchObject({
      code: -32000,
      message: 'ChatGPT refresh token was rejected; sign in again',
    });
    expect(error.data).toEqual({ reason: 'rejected', code: ErrorCodes.REFRESH_REJECTED });
    expect(h.pair.clientLines.join('\n')).not.toContain(secret);
  });

  it('answers -32000 "timed out" when the refresh outlasts its bound, and aborts it', async () => {
    let aborted: Promise<void> | undefined;
    const h = await harness(
      (ctx) => {
        aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        return new Promise(() => {}); // never settles
      },
      { refreshTimeoutMs: 50 },
    );
    const error = await askRefresh(h).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: -32000,
      message: 'refreshing ChatGPT auth tokens timed out',
    });
    await aborted;
  });

  it('answers -32000 when the callback gives no account id', async () => {
    const h = await harness(async () => ({
      accessToken: 'x.y.z',
      chatgptAccountId: '',
      chatgptPlanType: null,
    }));
    const error = await askRefresh(h, null).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: -32000,
      message: 'refreshed ChatGPT account id was missing',
    });
  });

  it('rejects with NOT_SIGNED_IN when the store is empty', async () => {
    const pair = rpcPair();
    pair.server.onRequest('initialize', () => ({}));
    const error = await connectAppServerAuth({
      appServer: pair.clientStreams,
      store: memoryStore(),
      refresh: neverCalled,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.NOT_SIGNED_IN });
    pair.server.close();
  });

  it('rejects a refresh bound at or over Codex 10 s limit', async () => {
    const pair = rpcPair();
    const error = await connectAppServerAuth({
      appServer: pair.clientStreams,
      store: memoryStore(),
      refresh: neverCalled,
      refreshTimeoutMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    pair.server.close();
  });
});
