import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a browser session keeps its tokens (`redis`: shared by every instance of the host). */
export type HostStorage = 'memory' | 'file' | 'redis';

/** Settings of one example-host instance. */
export interface HostConfig {
  /** The OAuth issuer: the embedded fake issuer in dev, `https://auth.openai.com` for real use. */
  issuer: string;
  /** Port of the web app on 127.0.0.1; `0` picks a free one. */
  port: number;
  /** Loopback callback port of the browser sign-in (Codex uses 1455); `0` picks a free one. */
  loginPort: number;
  /** `CODEX_HOME` used when a session switches to file storage (and by `codex app-server`). */
  codexHome: string;
  /** Storage of a new browser session. */
  defaultStorage: HostStorage;
  /** The `codex` binary the "Connect Codex" panel starts. */
  codexBin: string;
  /**
   * Redis for `redis` storage (`redis://`, `rediss://`): each browser session's tokens live at
   * `example-host:session:<id>`, so every instance on this Redis shares the sessions.
   */
  redisUrl?: string;
  /**
   * What the browser sign-in's tab shows once it succeeded: `redirect` (default) sends it back to
   * this host's `/signed-in` page, `message` keeps it on the callback page with this host's words,
   * `codex` is core's default ("return to your terminal", right for a command-line program only).
   */
  successPage?: 'redirect' | 'message' | 'codex';
}

/** The issuer a person signs in against when nothing else is configured. */
export const REAL_ISSUER = 'https://auth.openai.com';

/**
 * Reads the configuration from the environment: `ISSUER` or `CODEX_OAUTH_ISSUER`, `PORT`,
 * `LOGIN_PORT`, `CODEX_HOME`, `STORE` or `STORAGE` (`memory` | `file` | `redis`), `REDIS_URL`
 * (or `CODEX_OAUTH_REDIS_URL`), `CODEX_BIN` and `SUCCESS_PAGE` (`redirect` | `message` | `codex`). `fallbackIssuer`
 * is used when neither issuer variable is set (the dev script passes the fake issuer's URL).
 *
 * Without `CODEX_HOME`, file storage uses `~/.codex` only against the real issuer: fake tokens
 * from the fake issuer must never overwrite a person's real `auth.json`.
 */
export function configFromEnv(
  env: Record<string, string | undefined>,
  fallbackIssuer: string = REAL_ISSUER,
): HostConfig {
  const issuer = (env.ISSUER || env.CODEX_OAUTH_ISSUER || fallbackIssuer).replace(/\/+$/, '');
  const real = issuer === REAL_ISSUER;
  const chosen = env.STORE || env.STORAGE;
  const storage = chosen === 'file' || chosen === 'redis' ? chosen : 'memory';
  const redisUrl = env.REDIS_URL || env.CODEX_OAUTH_REDIS_URL;
  if (storage === 'redis' && !redisUrl) {
    throw new Error('STORE=redis needs REDIS_URL (redis://host:port, rediss:// for TLS).');
  }
  const success = env.SUCCESS_PAGE || 'redirect';
  if (success !== 'redirect' && success !== 'message' && success !== 'codex') {
    throw new Error(
      `SUCCESS_PAGE must be redirect, message or codex, got ${JSON.stringify(success)}.`,
    );
  }
  return {
    issuer,
    successPage: success,
    port: portOf(env.PORT, 3455, 'PORT'),
    loginPort: portOf(env.LOGIN_PORT, 1455, 'LOGIN_PORT'),
    codexHome:
      env.CODEX_HOME || (real ? join(homedir(), '.codex') : join(tmpdir(), 'example-host-codex')),
    defaultStorage: storage,
    codexBin: env.CODEX_BIN || 'codex',
    ...(redisUrl && { redisUrl }),
  };
}

function portOf(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}.`);
  }
  return port;
}
