import type { Command } from './args.js';

const COMMON = `  --storage auto|file|keyring|memory
                              where tokens live: auth.json, Codex's OS keyring entry, or memory
                              (default auto: what Codex's config.toml says, else auth.json)
  --codex-home DIR            use DIR instead of $CODEX_HOME (default ~/.codex)
  --issuer URL                sign-in server (default $CODEX_OAUTH_ISSUER or https://auth.openai.com)
  -h, --help                  show this help`;

const MAIN = `codex-oauth: sign in with ChatGPT for the OpenAI Codex CLI.

Usage: codex-oauth <command> [flags]

Commands:
  login          sign in (browser or device code) and save auth.json for Codex
  status         who is signed in, plan, expiry, storage     (exit 0 in, 1 out, 2 error)
  refresh        refresh the access token now if it is due (--force: even if not)
  token          print a fresh access token on stdout, for scripts
  logout         revoke the session and delete auth.json
  authorize-url  print a browser sign-in URL (for a host that handles the callback itself)
  doctor         check environment, network, ports and auth.json, with fixes

Flags:
  --json         one JSON document on stdout (login, status, refresh, logout, doctor)
  -V, --version  print the version
  -h, --help     show help; "codex-oauth <command> --help" for a command

Environment: CODEX_HOME, CODEX_OAUTH_ISSUER, BROWSER, CODEX_CA_CERTIFICATE, SSL_CERT_FILE,
HTTPS_PROXY, NO_PROXY, NO_COLOR.

Then run the Codex CLI as usual: it reads the same auth.json.`;

const COMMANDS: Record<Command, string> = {
  login: `Usage: codex-oauth login [flags]

Signs in with ChatGPT and saves the tokens where the Codex CLI reads them. Keeps a stored
session that still works (use --force to sign in again). The sign-in link is always printed;
the browser is opened too unless --no-open (the BROWSER variable picks the browser command).

Flags:
  --flow auto|browser|device  auto picks by environment (SSH and containers use device)
  --port N                    loopback port for the browser flow (default 1455, then 1457)
  --no-open                   do not open a browser, only print the link
  --timeout SEC               give up waiting after SEC seconds
  --force                     sign in again even if signed in (revokes the old session)
  --json                      print the result as JSON on stdout
${COMMON}

Ctrl-C cancels and frees the port.`,
  status: `Usage: codex-oauth status [--json]

Shows the stored sign-in without contacting any server.
Exit status: 0 signed in, 1 not signed in, 2 error.

Flags:
  --json                      { authenticated, authMode, accountId, email, planType, expiresAt,
                                lastRefresh, needsRefresh, storage, path, warnings } on stdout
${COMMON}`,
  refresh: `Usage: codex-oauth refresh [--force] [--json]

Refreshes the access token if it is due (expires within 5 minutes); --force refreshes anyway.

Flags:
  --force                     refresh even if the token is not due
  --json                      print the new status as JSON on stdout
${COMMON}`,
  token: `Usage: codex-oauth token

Prints a fresh access token (refreshing it first if due) and nothing else on stdout:
  curl -H "Authorization: Bearer $(codex-oauth token)" ...
The token is a secret: do not log it.

Flags:
${COMMON}`,
  logout: `Usage: codex-oauth logout [--no-revoke] [--json]

Revokes the refresh token at the issuer (best effort, a few seconds at most) and deletes the
stored tokens. Signing out when nobody is signed in is not an error.

Flags:
  --no-revoke                 only delete locally, do not contact the issuer
  --json                      print { "signedOut": true } on stdout
${COMMON}`,
  'authorize-url': `Usage: codex-oauth authorize-url [--port N] [--json]

Prints a browser sign-in URL on stdout (PKCE and state are generated and not kept), for hosts
that run their own callback; "codex-oauth login --no-open" is what a person wants instead.

Flags:
  --port N                    port in the redirect URI (default 1455)
  --json                      print { "url" } on stdout
  --codex-home DIR, --issuer URL, -h/--help as for login`,
  doctor: `Usage: codex-oauth doctor [--json]

Checks what a sign-in depends on and says how to fix what is wrong: the environment and the
flow it picks (with reasons), the CA bundle and proxy, a TLS connection to the issuer, what
holds ports 1455/1457, the health of auth.json, and Codex config conflicts (keyring store).
Exit status: 0 no problems, 2 a check failed.

Flags:
  --flow auto|browser|device  the flow to judge (default auto)
  --port N                    an extra port to check
  --json                      the checks as JSON on stdout
${COMMON}`,
};

/** The help text for `command`, or the overview. */
export function helpText(command?: Command): string {
  return command === undefined ? MAIN : COMMANDS[command];
}
