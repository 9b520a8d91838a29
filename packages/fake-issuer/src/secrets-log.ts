import { appendFileSync } from 'node:fs';

/**
 * The environment variable that turns the issued-secrets log on: a file path. Every secret a fake
 * issuer mints (in any process that inherits the variable) is appended to it, one per line, so a
 * secret scan of the whole test suite's output can look for the exact values.
 */
export const SECRETS_LOG_ENV = 'CODEX_OAUTH_FAKE_ISSUER_SECRETS_LOG';

/** What kind of secret a log line holds; the scan reports the kind, never the value. */
export type IssuedSecretKind =
  | 'access_token'
  | 'id_token'
  | 'refresh_token'
  | 'authorization_code'
  | 'device_auth_id'
  | 'device_code_verifier'
  | 'pkce_verifier';

let warned = false;

/**
 * Append `kind<TAB>value` to the file named by {@link SECRETS_LOG_ENV}, when it is set.
 *
 * The variable is read on every call (not once at import) so a test or a scan can switch the log
 * on after the module is loaded. A single `appendFileSync` of one short line is one `write(2)` on
 * an `O_APPEND` file, so fake issuers in several processes can share the file without locks.
 * A failed append must not break the test that minted the secret: it warns once on stderr (with
 * the path only, never a value) and carries on, and the scan then sees fewer secrets.
 */
export function recordIssuedSecret(kind: IssuedSecretKind, value: string): void {
  const path = process.env[SECRETS_LOG_ENV];
  if (!path) return;
  try {
    appendFileSync(path, `${kind}\t${value}\n`);
  } catch (error) {
    if (warned) return;
    warned = true;
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`fake-issuer: cannot append to ${SECRETS_LOG_ENV} (${reason})\n`);
  }
}
