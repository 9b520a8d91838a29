import { type ChildProcess, spawn } from 'node:child_process';
import type { AccountReadResult, AppServerAuthBridge } from '@codex-oauth/app-server-auth';
import { CodexOAuthError, ErrorCodes, refresh, type TokenStore } from '@codex-oauth/core';
import type { HostSession } from './sessions.js';

/** What the "Connect Codex" panel shows. */
export interface CodexConnection {
  state: 'idle' | 'starting' | 'connected' | 'unavailable' | 'failed';
  /** A sentence for the person: why it is unavailable, what Codex said… */
  message: string | null;
  /** What `account/read` reported (public fields only). */
  account: { type: string; email: string | null; planType: string | null } | null;
}

/**
 * The bridge package's own API, typed from the package itself and loaded only when the panel is
 * used (a host without it still runs). Copy this as is: `import type` costs nothing at run time.
 */
type BridgeModule = typeof import('@codex-oauth/app-server-auth');

/** Options of {@link connectCodex}. */
export interface ConnectCodexOptions {
  issuer: string;
  codexBin: string;
  codexHome: string;
  store: TokenStore;
  /** Called after each state change. */
  onChange(): void;
}

const children = new WeakMap<HostSession, { child: ChildProcess; close(): void }>();

/**
 * Starts `codex app-server`, signs it in with the session's tokens through the bridge
 * (`connectAppServerAuth`) and records what `account/read` reports. A missing bridge package or
 * `codex` binary ends in state `unavailable` with a message saying what to install.
 */
export async function connectCodex(session: HostSession, opts: ConnectCodexOptions): Promise<void> {
  disconnectCodex(session, null);
  const set = (codex: CodexConnection) => {
    session.codex = codex;
    opts.onChange();
  };
  let bridgeModule: BridgeModule;
  try {
    const specifier = '@codex-oauth/app-server-auth';
    bridgeModule = (await import(/* @vite-ignore */ specifier)) as BridgeModule;
  } catch {
    return set(unavailable('The bridge package is missing: install @codex-oauth/app-server-auth.'));
  }
  set({ state: 'starting', message: `Starting ${opts.codexBin} app-server…`, account: null });
  const child = spawn(opts.codexBin, ['app-server'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, CODEX_HOME: opts.codexHome },
  });
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', resolve);
  });
  if (spawned) {
    const missing = (spawned as NodeJS.ErrnoException).code === 'ENOENT';
    return set(
      missing
        ? unavailable(
            `The codex binary (${opts.codexBin}) is not installed: npm i -g @openai/codex, or set CODEX_BIN.`,
          )
        : {
            state: 'failed',
            message: `codex could not start (${spawned.message}).`,
            account: null,
          },
    );
  }
  try {
    const bridge: AppServerAuthBridge = await bridgeModule.connectAppServerAuth({
      appServer: child,
      store: opts.store,
      refresh: async ({ signal }) => {
        await refresh({ issuer: opts.issuer, store: opts.store, force: true, signal });
        const record = await opts.store.load();
        // Signed out meanwhile: the bridge answers Codex "sign in again" (its fixed message).
        if (record === null) throw new CodexOAuthError(ErrorCodes.NOT_SIGNED_IN, 'Signed out.');
        return record;
      },
      clientInfo: { name: 'example_host', title: 'codex-oauth example host', version: '0.0.0' },
    });
    children.set(session, { child, close: () => bridge.close() });
    const login = await bridge.login;
    const read = await bridge.accountRead();
    set({
      state: 'connected',
      message: login.success ? 'Codex accepted the tokens.' : `Codex said: ${login.error ?? '?'}`,
      account: publicAccount(read),
    });
  } catch (error) {
    child.kill();
    children.delete(session);
    set({
      state: 'failed',
      message: `Connecting failed: ${(error as Error).message}`,
      account: null,
    });
  }
}

/** Stops the session's app-server, if one runs; `message` says why on the panel. */
export function disconnectCodex(session: HostSession, message: string | null): void {
  const running = children.get(session);
  if (!running) return;
  children.delete(session);
  running.close();
  running.child.kill();
  session.codex = { state: 'idle', message, account: null };
}

/** The public part of what `account/read` reported. */
function publicAccount(read: AccountReadResult): CodexConnection['account'] {
  const account = read.account;
  if (account === null) return null;
  if (account.type !== 'chatgpt') return { type: account.type, email: null, planType: null };
  return { type: account.type, email: account.email, planType: account.planType };
}

function unavailable(message: string): CodexConnection {
  return { state: 'unavailable', message, account: null };
}
