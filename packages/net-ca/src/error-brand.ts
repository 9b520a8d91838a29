/**
 * The one definition of the brand every codex-oauth error carries (`@codex-oauth/net-ca/error-brand`).
 * It lives in the lowest package that throws branded errors, so core re-exports it instead of
 * defining its own: `Symbol.for` shares it across duplicate installs, and this module keeps the
 * name and its documentation in one place.
 */
export const CODEX_OAUTH_ERROR_BRAND: unique symbol = Symbol.for('codex-oauth.error') as never;
