import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { handleAuthorize } from './authorize.js';
import {
  ACCOUNTS_CHECK_PATH,
  BACKEND_API_PATH,
  DEFAULT_WORKSPACE_BACKEND_ORIGIN,
  handleAccountsCheck,
} from './backend.js';
import { fetchRedirect } from './browser.js';
import { findByUserCode, handleDevicePage, handleDevicePoll, handleUserCode } from './device.js';
import { DISCOVERY_PATH, handleDiscovery } from './discovery.js';
import { applyFault, FaultQueue } from './faults.js';
import { bodyParams, oauthError, parseForm, parseJson, readBody, sendJson } from './http-util.js';
import { handleRevoke } from './refresh.js';
import { IssuerState, type Settings } from './state.js';
import { handleToken } from './token-endpoint.js';
import { CODEX_CLIENT_ID, DEFAULT_ACCOUNT } from './tokens.js';
import type { FakeIssuer, FakeIssuerOptions, FakeRequest } from './types.js';

type Route = (state: IssuerState, req: FakeRequest, res: ServerResponse) => void;

const params = (r: FakeRequest) => bodyParams(r.json, r.form);

/** Method + path -> handler. Anything else: 404, or 405 for a known path. */
const ROUTES: Record<string, Record<string, Route>> = {
  '/oauth/authorize': { GET: (s, r, res) => handleAuthorize(s, r.query, res) },
  '/oauth/token': { POST: (s, r, res) => handleToken(s, params(r), res) },
  '/oauth/revoke': { POST: (s, r, res) => handleRevoke(s, params(r), res) },
  '/api/accounts/deviceauth/usercode': { POST: (s, r, res) => handleUserCode(s, params(r), res) },
  '/api/accounts/deviceauth/token': { POST: (s, r, res) => handleDevicePoll(s, params(r), res) },
  '/codex/device': {
    GET: (s, r, res) => handleDevicePage(s, 'GET', r.query, res),
    POST: (s, r, res) => handleDevicePage(s, 'POST', params(r), res),
  },
  [ACCOUNTS_CHECK_PATH]: { GET: handleAccountsCheck },
  [DISCOVERY_PATH]: { GET: (s, _r, res) => handleDiscovery(s, res) },
};

/**
 * Start a fake OpenAI auth server on 127.0.0.1 (never another interface).
 *
 * @example
 * const issuer = await startFakeIssuer({ registeredPorts: 'any', deviceInterval: '0' });
 * // ... point the code under test at issuer.url ...
 * expect(issuer.count('/oauth/token')).toBe(1);
 * await issuer.stop();
 */
export async function startFakeIssuer(options: FakeIssuerOptions = {}): Promise<FakeIssuer> {
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const settings: Settings = {
    issuer: '',
    clientId: options.clientId ?? CODEX_CLIENT_ID,
    accessTtlSeconds: accessTtl,
    refreshedTtlSeconds: options.refreshedAccessTokenTtlSeconds ?? accessTtl,
    now: options.now ?? Date.now,
    deviceLogin: options.deviceLogin ?? true,
    deviceInterval: options.deviceInterval ?? '1',
    deviceTtlSeconds: options.deviceCodeTtlSeconds ?? 900,
    deviceAutoApprove: options.deviceAutoApprove ?? false,
    registeredPorts: options.registeredPorts ?? [1455, 1457],
    workspaceBackendOrigin: options.workspaceBackendOrigin ?? DEFAULT_WORKSPACE_BACKEND_ORIGIN,
    accountPerGrant: options.accountPerGrant ?? false,
  };
  const state = new IssuerState(settings, { ...DEFAULT_ACCOUNT, ...options.account });
  const faults = new FaultQueue();
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const contentType = req.headers['content-type'];
    const entry: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      time: settings.now(),
    };
    const json = parseJson(body, contentType);
    const form = parseForm(body, contentType);
    if (json !== undefined) entry.json = json;
    if (form !== undefined) entry.form = form;
    requests.push(entry);

    // Every route answers synchronously, so the status is known once dispatch returns.
    try {
      await dispatch(entry, res);
    } finally {
      if (res.headersSent) entry.status = res.statusCode;
    }
  };

  const dispatch = async (entry: FakeRequest, res: ServerResponse): Promise<void> => {
    const fault = faults.take(entry.path);
    if (fault && applyFault(fault, res, entry)) return;
    if (fault?.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.ms);
        timers.add(timer);
      });
      if (stopped) return;
    }
    const routes = ROUTES[entry.path];
    const route = routes?.[entry.method];
    if (route) route(state, entry, res);
    else if (routes) sendJson(res, 405, oauthError('invalid_request', 'Method not allowed'));
    else sendJson(res, 404, oauthError('not_found', 'No such endpoint on the fake issuer'));
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, oauthError('server_error', 'Fake issuer failed'));
      else res.destroy();
    });
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake issuer did not bind a port');
  const port = address.port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  settings.issuer = url;

  const device = (userCode: string) => {
    const found = findByUserCode(state, userCode);
    if (!found) throw new Error('fake issuer: unknown user code');
    return found;
  };
  const refreshEntry = (token: string) => {
    const found = state.refreshTokens.get(token);
    if (!found) throw new Error('fake issuer: unknown refresh token');
    return found;
  };

  return {
    url,
    chatgptBaseUrl: `${url}${BACKEND_API_PATH}`,
    port,
    requests,
    issued: { refreshTokens: state.refreshTokens, grants: state.grants },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    count: (path) => requests.filter((r) => r.path === path).length,
    approveDevice(userCode) {
      device(userCode).status = 'approved';
    },
    denyDevice(userCode) {
      device(userCode).status = 'denied';
    },
    setAccount(account) {
      state.account = { ...state.account, ...account };
    },
    setAuthorizeOutcome(outcome) {
      state.authorizeOutcome = outcome;
    },
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    isLive(token) {
      const grant = state.grantOf(token);
      const refresh = state.refreshTokens.get(token);
      if (!grant || grant.revoked !== null) return false;
      return !refresh || refresh.state === 'live';
    },
    revokeGrantOf(refreshToken) {
      const grant = state.grantOf(refreshEntry(refreshToken).token);
      if (grant) state.revokeGrant(grant, 'manual');
    },
    expireRefreshToken(refreshToken) {
      refreshEntry(refreshToken).state = 'expired';
    },
    rejectAccessToken(accessToken) {
      if (!state.accessTokens.has(accessToken))
        throw new Error('fake issuer: unknown access token');
      state.rejectedAccessTokens.add(accessToken);
    },
    authorize: (authorizeUrl) => fetchRedirect(url, authorizeUrl, options.tls?.cert),
  };
}
