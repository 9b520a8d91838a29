import type { Command } from './args.js';
import { examplesSection } from './help-examples.js';

const COMMON = `  --storage auto|file|keyring|memory|redis
                              where tokens live: auth.json, Codex's OS keyring entry, memory or
                              Redis (default auto: what Codex's config.toml says, else auth.json)
  --redis-url URL             with --storage redis: redis:// or rediss:// (or $CODEX_OAUTH_REDIS_URL)
  --redis-key KEY             with --storage redis: the record's key (or $CODEX_OAUTH_REDIS_KEY,
                              default codex-oauth:default)
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
  doctor         check environment, network, ports and auth.json, with fixes
  keep-fresh     keep auth.json refreshed ahead of Codex while it runs (--once for cron)
  accounts       list the signed-in accounts (* marks the one the Codex CLI uses)
  switch         make another account the one auth.json holds (and Codex uses)

Flags:
  --json         one JSON document on stdout (login, status, refresh, logout, doctor,
                 accounts, switch); keep-fresh prints one JSON line per event. Every
                 shape: https://github.com/codex-oauth/codex-oauth/blob/main/apps/cli/docs/json.md
  -V, --version  print the version
  -h, --help     show help; "codex-oauth <command> --help" for a command

Environment: CODEX_HOME, CODEX_OAUTH_ISSUER, CODEX_OAUTH_REFRESH_WINDOW_SECONDS, CODEX_OAUTH_REDIS_URL, CODEX_OAUTH_REDIS_KEY, BROWSER, CODEX_CA_CERTIFICATE, SSL_CERT_FILE,
HTTPS_PROXY, NO_PROXY, NO_COLOR, FORCE_COLOR, CLICOLOR, CLICOLOR_FORCE.

Then run the Codex CLI as usual: it reads the same auth.json.`;

const COMMANDS: Record<Command, string> = {
  login: `Usage: codex-oauth login [flags]
       printenv OPENAI_API_KEY | codex-oauth login --with-api-key

Signs in with ChatGPT and saves the tokens where the Codex CLI reads them. Keeps a stored
session that still works (use --force to sign in again). The sign-in link is always printed;
the browser is opened too unless --no-open (the BROWSER variable picks the browser command).

Flags:
  --flow auto|browser|device|paste
                              auto picks by environment (SSH and containers use device,
                              with the browser link to paste beside it); paste: open the
                              link on any machine, then paste the address it lands on
  --port N                    loopback port for the browser flow (default 1455, then 1457)
  --no-open                   do not open a browser, only print the link
  --timeout SEC               give up waiting after SEC seconds
  --force                     sign in again even if signed in (revokes the old session)
  --add                       sign in another account and keep the current one (see accounts)
  --with-api-key              store the OpenAI API key read from stdin instead (as codex login
                              --with-api-key: the same auth.json; never pass a key as an argument)
  --json                      print the result as JSON on stdout (a paste prompt first
                              prints {"paste":{"authorizeUrl",…}} on its own line)
${COMMON}

Pasting: off a terminal, each line of stdin is one paste, so a script can pipe the address in.
Ctrl-C cancels and frees the port. No terminal (CI): use --flow device, sign in elsewhere and
copy auth.json, or --with-api-key.`,
  status: `Usage: codex-oauth status [--json]

Shows the stored sign-in without contacting any server.
Exit status: 0 signed in, 1 not signed in (or the session ended: a refresh the issuer refused
for good is remembered until you sign in again), 2 error, 3 signed in with a Codex login that
codex-oauth does not manage (a personal access token, an agent identity): left as it is.

Flags:
  --json                      { authenticated, authMode, accountId, email, planType, expiresAt,
                                lastRefresh, needsRefresh, refreshRefused, storageUsed,
                                path, storageReason, warnings } on stdout
  --account <email|id|number> a saved account instead of the active one
${COMMON}`,
  refresh: `Usage: codex-oauth refresh [--force] [--json]

Refreshes the access token if it is due; --force refreshes anyway. Due means it expires within
the refresh window: 10 minutes (wider than Codex's 5, so we rotate first), at most half the
token's lifetime, unless --refresh-window or CODEX_OAUTH_REFRESH_WINDOW_SECONDS sets it.

Flags:
  --force                     refresh even if the token is not due
  --refresh-window SECONDS    refresh when the token expires within SECONDS
  --json                      print the new status as JSON on stdout
  --account <email|id|number> refresh a saved account (only its entry if it is not active)
${COMMON}`,
  token: `Usage: codex-oauth token

Prints a fresh access token (refreshing it first if due) and nothing else on stdout:
  curl -H "Authorization: Bearer $(codex-oauth token)" ...
The token is a secret: do not log it.

Flags:
  --refresh-window SECONDS    refresh first when the token expires within SECONDS
  --account <email|id|number> a saved account's token, without switching to it
${COMMON}`,
  logout: `Usage: codex-oauth logout [--no-revoke] [--json]

Revokes the refresh token at the issuer (best effort, a few seconds at most) and deletes the
stored tokens. Signing out when nobody is signed in is not an error. If the issuer cannot be
reached or refuses, a warning says so: you are still signed out here (exit 0).

Flags:
  --no-revoke                 only delete locally, do not contact the issuer
  --account <email|id|number> remove that saved account instead of the active one
  --json                      { signedOut, wasSignedIn, revoked, revokeFailure } on stdout
${COMMON}`,
  doctor: `Usage: codex-oauth doctor [--json]

Checks what a sign-in depends on and says how to fix what is wrong: the environment and the
flow it picks (with reasons), the CA bundle and proxy, a TLS connection to the issuer, what
holds ports 1455/1457, the health of auth.json, and Codex config conflicts (keyring store).
Exit status: 0 no problems, 2 a check failed.

Flags:
  --flow auto|browser|device|paste
                              the flow to judge (default auto)
  --port N                    an extra port to check
  --json                      the checks as JSON on stdout
${COMMON}`,
  'keep-fresh': `Usage: codex-oauth keep-fresh [--once] [--json] [--refresh-window SECONDS]

Keeps auth.json refreshed ahead of Codex's 5-minute window for as long as it runs, so Codex
processes always find fresh tokens and never spend the refresh token themselves (two processes
spending one refresh token ends the sign-in). Runs in the foreground; Ctrl-C or SIGTERM stop it
cleanly, after a refresh in flight is saved. An unreachable issuer is retried with backoff; a
refresh or sign-in by Codex is adopted. A damaged auth.json or an ended session stops it with
the error (the file untouched); a sign-out elsewhere (auth.json gone for 10 s) exits 1.
Exit status: 0 stopped (or --once done), 1 signed out or session ended, 2 error.

Flags:
  --once                      check once, refresh if due, exit (for cron or a systemd timer)
  --json                      one JSON line per event on stdout (never a token)
  --refresh-window SECONDS    refresh when the token expires within SECONDS (default 600, at
                              most half the token lifetime; keep it above 300)
  --check-every SECONDS       longest wait between two looks at auth.json (default 30)
${COMMON}`,
  accounts: `Usage: codex-oauth accounts [--json]

Lists the ChatGPT accounts signed in with "codex-oauth login --add": number, email, plan,
workspace and token health, without contacting any server. * marks the active one, which is
what auth.json holds and so what the Codex CLI uses. Exit status: 0 accounts, 1 none.

Flags:
  --json                      { accounts: [{ number, key, active, email, accountId, planType,
                                userId, expiresAt, lastRefresh, health, problem, saved, path }],
                                active, warnings } on stdout
  --codex-home DIR            use DIR instead of $CODEX_HOME (default ~/.codex)`,
  switch: `Usage: codex-oauth switch <email | account id | number> [--json]

Makes that account active: auth.json then holds it, so the Codex CLI uses it. What auth.json
holds now (whatever Codex last wrote) is saved back to its account first, under Codex's locks,
so switching back later gives the newest tokens. An ambiguous name is refused with the list.

Flags:
  --json                      { switched, account } on stdout (account as in accounts --json)
  --codex-home DIR            use DIR instead of $CODEX_HOME (default ~/.codex)`,
};

/** The help text for `command` (ending with its Examples), or the overview. */
export function helpText(command?: Command): string {
  return command === undefined ? MAIN : `${COMMANDS[command]}\n\n${examplesSection(command)}`;
}
