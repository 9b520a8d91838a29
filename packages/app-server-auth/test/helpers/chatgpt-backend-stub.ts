import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One workspace the stub reports from `/wham/accounts/check`. */
export interface StubWorkspace {
  id: string;
  name?: string;
  planType?: string;
  /** Must be an `https:` origin without credentials, or Codex refuses it (it is not contacted here). */
  backendOrigin?: string;
  /** `NO_CONSTRAINT`, `us` or `us_cr`; anything else fails discovery. */
  routingOverride?: 'NO_CONSTRAINT' | 'us' | 'us_cr';
}

/** A request the stub saw. `bearer` is kept in memory for assertions and never printed. */
export interface StubRequest {
  method: string;
  path: string;
  accountId: string | undefined;
  bearer: string | undefined;
  status: number;
}

/** Options of {@link startChatgptBackendStub}. */
export interface ChatgptBackendStubOptions {
  workspaces: StubWorkspace[];
  /** Answer 401 for this bearer token (e.g. the first, "expired" one). Default: accept all. */
  rejectBearer?: (token: string | undefined) => boolean;
}

/** A running stub; `baseUrl` is what `chatgpt_base_url` should be set to. */
export interface ChatgptBackendStub {
  port: number;
  baseUrl: string;
  requests: StubRequest[];
  /** Resolves with the first request (seen so far or later) that `match` accepts. */
  waitFor(match: (request: StubRequest) => boolean): Promise<StubRequest>;
  stop(): Promise<void>;
}

/**
 * The part of the ChatGPT backend (`https://chatgpt.com/backend-api`) that `codex app-server`
 * 0.169 needs before it accepts external tokens: workspace routing discovery,
 * `GET {chatgpt_base_url}/wham/accounts/check` with `Authorization: Bearer <access token>` and
 * `ChatGPT-Account-ID`. The answer lists the workspaces; the one Codex was given must be there,
 * with an HTTPS `workspace_backend_origin` and an `account_routing_override`. A 401 makes Codex
 * ask the client for new tokens (`account/chatgptAuthTokens/refresh`) and retry once.
 * Everything else is 404 (Codex's plugin sync asks for `/backend-api/ps/plugins/...`, harmlessly).
 */
export async function startChatgptBackendStub(
  options: ChatgptBackendStubOptions,
): Promise<ChatgptBackendStub> {
  const requests: StubRequest[] = [];
  const waiters = new Set<{
    match: (r: StubRequest) => boolean;
    resolve: (r: StubRequest) => void;
  }>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let status = 404;
      let body: unknown = { detail: 'Not Found' };
      if (req.method === 'GET' && path === '/backend-api/wham/accounts/check') {
        if (!bearer || options.rejectBearer?.(bearer)) {
          status = 401;
          body = { detail: 'Could not validate credentials' };
        } else {
          status = 200;
          body = { accounts: options.workspaces.map(toEntry) };
        }
      }
      const accountId = req.headers['chatgpt-account-id'];
      const seen: StubRequest = {
        method: req.method ?? 'GET',
        path,
        accountId: Array.isArray(accountId) ? accountId[0] : accountId,
        bearer,
        status,
      };
      requests.push(seen);
      for (const waiter of waiters) {
        if (waiter.match(seen)) {
          waiters.delete(waiter);
          waiter.resolve(seen);
        }
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/backend-api/`,
    requests,
    waitFor(match) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toEntry(workspace: StubWorkspace): Record<string, unknown> {
  return {
    id: workspace.id,
    name: workspace.name ?? null,
    structure: 'personal',
    plan_type: workspace.planType ?? 'pro',
    workspace_backend_origin: workspace.backendOrigin ?? 'https://workspace-backend.invalid',
    account_routing_override: workspace.routingOverride ?? 'NO_CONSTRAINT',
    is_deactivated: false,
    is_fedramp_compliant_workspace: false,
  };
}
