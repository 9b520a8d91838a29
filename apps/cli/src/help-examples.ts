import type { Command } from './args.js';

/** One line of a command's Examples section: a command line and what it is for. */
export interface Example {
  /** The whole command line, starting `codex-oauth`; plain words only, so a test can parse it. */
  line: string;
  what: string;
}

/**
 * The Examples section of each command's `--help`. Every line is run through the real parser by
 * test/help-examples.test.ts, so an example with a flag the command does not take fails there.
 */
export const EXAMPLES: Record<Command, readonly Example[]> = {
  login: [
    {
      line: 'codex-oauth login',
      what: 'the flow that fits here (browser, or device code over SSH)',
    },
    { line: 'codex-oauth login --flow device', what: 'on a machine without a browser' },
    {
      line: 'codex-oauth login --flow paste --no-open',
      what: 'open the link anywhere, paste back the address it lands on',
    },
    { line: 'codex-oauth login --add', what: 'sign in a second account and keep the first' },
    {
      line: 'codex-oauth login --with-api-key',
      what: 'an API key from stdin: printenv OPENAI_API_KEY | codex-oauth login --with-api-key',
    },
    { line: 'codex-oauth login --force --json', what: 'sign in again; the result as JSON' },
  ],
  status: [
    { line: 'codex-oauth status', what: 'who is signed in, and until when' },
    { line: 'codex-oauth status --json', what: 'for scripts (exit 0 signed in, 1 not)' },
    { line: 'codex-oauth status --account 2', what: 'a saved account (see codex-oauth accounts)' },
  ],
  refresh: [
    { line: 'codex-oauth refresh', what: 'refresh only if the token is due' },
    { line: 'codex-oauth refresh --force --json', what: 'refresh now; the new status as JSON' },
    {
      line: 'codex-oauth refresh --refresh-window 1800',
      what: 'refresh if it expires within 30 minutes',
    },
  ],
  token: [
    { line: 'codex-oauth token', what: 'a fresh access token on stdout (a secret)' },
    { line: 'codex-oauth token --account work@example.com', what: "another account's token" },
  ],
  logout: [
    { line: 'codex-oauth logout', what: 'revoke the session and delete the stored tokens' },
    {
      line: 'codex-oauth logout --no-revoke',
      what: 'delete locally, without contacting the issuer',
    },
    { line: 'codex-oauth logout --account 2 --json', what: 'remove one saved account' },
  ],
  doctor: [
    { line: 'codex-oauth doctor', what: 'every check, with a fix for what fails' },
    {
      line: 'codex-oauth doctor --flow browser --port 8080',
      what: 'judge the browser flow, check 8080 too',
    },
    {
      line: 'codex-oauth doctor --issuer http://127.0.0.1:8000 --json',
      what: 'a local test issuer; the checks as JSON',
    },
  ],
  'keep-fresh': [
    { line: 'codex-oauth keep-fresh', what: 'in the foreground while Codex runs (Ctrl-C stops)' },
    { line: 'codex-oauth keep-fresh --once', what: 'one check, for cron or a systemd timer' },
    {
      line: 'codex-oauth keep-fresh --json --check-every 60',
      what: 'JSON lines, a look every minute',
    },
  ],
  accounts: [
    { line: 'codex-oauth accounts', what: 'the signed-in accounts; * is the one Codex uses' },
    { line: 'codex-oauth accounts --json', what: 'the same, for scripts' },
  ],
  switch: [
    { line: 'codex-oauth switch 2', what: 'make account 2 (from codex-oauth accounts) active' },
    { line: 'codex-oauth switch work@example.com --json', what: 'by email; the result as JSON' },
  ],
};

/**
 * The Examples section for `command`: each line under a `#` comment saying what it is for (as gh
 * and kubectl print theirs), so a line can be copied as it is and long ones need no wrapping.
 */
export function examplesSection(command: Command): string {
  const lines = EXAMPLES[command].map((e) => `  # ${e.what}\n  ${e.line}`);
  return `Examples:\n${lines.join('\n')}`;
}
