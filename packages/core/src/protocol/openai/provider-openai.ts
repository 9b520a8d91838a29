import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';

/** The OpenAI issuer Codex signs in against. */
export const OPENAI_ISSUER = 'https://auth.openai.com';
/** The public OAuth client id of the Codex CLI. */
export const OPENAI_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
/** The scope Codex 0.169 asks for. */
export const OPENAI_SCOPE =
  'openid profile email offline_access api.connectors.read api.connectors.invoke';
/** The `originator` the `codex login` command sends. */
export const DEFAULT_ORIGINATOR = 'codex_cli_rs';

/** Everything the OpenAI flows need to know about the issuer: ids and endpoint URLs. */
export interface OpenAIProfile {
  kind: 'openai';
  /** Issuer base URL, without a trailing `/`. */
  issuer: string;
  clientId: string;
  scope: string;
  /** Sent as the `originator` authorize parameter and HTTP header. */
  originator: string;
  endpoints: {
    /** `{issuer}/oauth/authorize` */
    authorize: string;
    /** `{issuer}/oauth/token`, for the code exchange. */
    token: string;
    /** Token endpoint for refresh: `CODEX_REFRESH_TOKEN_URL_OVERRIDE`, else `token`. */
    refresh: string;
    /** Revocation endpoint (see {@link openaiProfile}). */
    revoke: string;
    /** `{issuer}/api/accounts/deviceauth/usercode` */
    deviceUserCode: string;
    /** `{issuer}/api/accounts/deviceauth/token` */
    deviceToken: string;
    /** `{issuer}/codex/device`, the page where the user types the code. */
    deviceVerification: string;
    /** `{issuer}/deviceauth/callback`, the `redirect_uri` of the device code exchange. */
    deviceRedirect: string;
  };
}

/** Options for {@link openaiProfile}. */
export interface OpenAIProfileOptions {
  /** Issuer URL; default `env.CODEX_OAUTH_ISSUER`, else {@link OPENAI_ISSUER}. */
  issuer?: string;
  /** Client id; default {@link OPENAI_CLIENT_ID}. */
  clientId?: string;
  /** Originator; default `env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE` (as Codex), else `codex_cli_rs`. */
  originator?: string;
  /** Environment to read; default `process.env`. Empty values count as unset. */
  env?: Record<string, string | undefined>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Builds the OpenAI provider profile (SPEC §4).
 *
 * URL rules (where upstream is silent): the issuer and the two override variables must be
 * absolute `https:` URLs without credentials; plain `http:` is accepted only for loopback hosts
 * (`127.0.0.1`, `localhost`, `[::1]`) so tests and local stand-ins work while a typo can never
 * send tokens over the network in clear text. The issuer must not carry a query or fragment; a
 * trailing `/` is trimmed (a path prefix is kept). Anything else is `CODEX_OAUTH_INVALID_OPTION`.
 *
 * The revoke endpoint is `CODEX_REVOKE_TOKEN_URL_OVERRIDE`, else the refresh override with its
 * path replaced by `/oauth/revoke` and its query dropped (as Codex does), else
 * `{issuer}/oauth/revoke`.
 *
 * @example
 * ```ts
 * const profile = openaiProfile({ env: { CODEX_OAUTH_ISSUER: 'http://127.0.0.1:8080' } });
 * profile.endpoints.token; // 'http://127.0.0.1:8080/oauth/token'
 * ```
 */
export function openaiProfile(opts: OpenAIProfileOptions = {}): OpenAIProfile {
  const env = opts.env ?? process.env;
  const issuerUrl = checkUrl(
    opts.issuer ?? nonEmpty(env.CODEX_OAUTH_ISSUER) ?? OPENAI_ISSUER,
    opts.issuer !== undefined ? 'issuer' : 'CODEX_OAUTH_ISSUER',
  );
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') {
    throw invalid('issuer', 'must not have a query or fragment');
  }
  const issuer = issuerUrl.href.replace(/\/+$/, '');
  const clientId = opts.clientId ?? OPENAI_CLIENT_ID;
  if (clientId.trim() === '') throw emptyOption('clientId');
  const originator =
    opts.originator ?? nonEmpty(env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE) ?? DEFAULT_ORIGINATOR;
  if (originator.trim() === '') throw emptyOption('originator');

  const token = `${issuer}/oauth/token`;
  const refreshOverride = nonEmpty(env.CODEX_REFRESH_TOKEN_URL_OVERRIDE);
  const revokeOverride = nonEmpty(env.CODEX_REVOKE_TOKEN_URL_OVERRIDE);
  const refresh = refreshOverride
    ? checkUrl(refreshOverride, 'CODEX_REFRESH_TOKEN_URL_OVERRIDE').href
    : token;
  let revoke = `${issuer}/oauth/revoke`;
  if (revokeOverride) {
    revoke = checkUrl(revokeOverride, 'CODEX_REVOKE_TOKEN_URL_OVERRIDE').href;
  } else if (refreshOverride) {
    const derived = new URL(refresh);
    derived.pathname = '/oauth/revoke';
    derived.search = '';
    derived.hash = '';
    revoke = derived.href;
  }

  return Object.freeze({
    kind: 'openai',
    issuer,
    clientId,
    scope: OPENAI_SCOPE,
    originator,
    endpoints: Object.freeze({
      authorize: `${issuer}/oauth/authorize`,
      token,
      refresh,
      revoke,
      deviceUserCode: `${issuer}/api/accounts/deviceauth/usercode`,
      deviceToken: `${issuer}/api/accounts/deviceauth/token`,
      deviceVerification: `${issuer}/codex/device`,
      deviceRedirect: `${issuer}/deviceauth/callback`,
    }),
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Parses and vets a URL we will send tokens to. */
function checkUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw invalid(name, 'is not an absolute URL', cause);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(name, 'must not contain a user name or password');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw invalid(name, 'uses plain http, which is only allowed for 127.0.0.1, localhost or [::1]');
  }
  throw invalid(name, `must be an https URL, not ${url.protocol}`);
}

function invalid(name: string, problem: string, cause?: unknown): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    `The ${name} URL ${problem}. Use an https URL such as ${OPENAI_ISSUER}.`,
    { cause },
  );
}

function emptyOption(name: string): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    `The ${name} option is empty. Leave it out to use the default.`,
  );
}
