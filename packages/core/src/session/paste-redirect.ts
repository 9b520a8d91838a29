import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { sameSecret } from '../model/same-secret.js';

/**
 * Reading what a person pasted: the address the browser was sent to after signing in
 * (`http://127.0.0.1:1455/auth/callback?code=…&state=…`), which fails to load when the browser
 * runs on another machine. Pure: nothing here sends, stores or logs, and no message quotes the
 * pasted text (the code in it is a secret, like the state).
 */

/** Why a paste was not used. The sign-in goes on after every one of them. */
export type RedirectRejection =
  /** Nothing but whitespace or quotes. */
  | 'empty'
  /** A lone value: we ask for the whole address, so `state` can be checked (see the README). */
  | 'bare_code'
  /** The sign-in link itself, not the address the browser landed on after it. */
  | 'authorize_url'
  /** Cut off (a wrapped line): a code without `state`, or a `state` shorter than ours. */
  | 'incomplete'
  /** Not a redirect address at all. */
  | 'not_a_redirect'
  /** The `state` of another sign-in (an older tab, another terminal). */
  | 'state_mismatch'
  /** The issuer redirected with `error=…` (the person refused, or has no Codex access). */
  | 'access_denied'
  /** The issuer would not exchange the code (already used, expired, or copied wrong). */
  | 'exchange_failed';

/**
 * The `CODEX_OAUTH_REDIRECT_REJECTED` error of one paste, with the `reason` a prompt can act on
 * (a CLI joins an `incomplete` line with the next one). `cause` is always set.
 */
export class RedirectRejectedError extends CodexOAuthError {
  /** Why the paste was not used. */
  readonly reason: RedirectRejection;

  constructor(
    reason: RedirectRejection,
    message: string,
    options: { cause?: unknown; error?: string; error_description?: string } = {},
  ) {
    super(ErrorCodes.REDIRECT_REJECTED, message, {
      ...options,
      cause: options.cause ?? new Error(`pasted redirect rejected: ${reason}`),
    });
    this.reason = reason;
  }
}

/** A paste that names this sign-in: its code to exchange, or the refusal the issuer sent. */
export type PastedRedirect =
  | { kind: 'code'; code: string }
  | { kind: 'error'; error: string; description: string | null };

// Longer than any real redirect (code + state + scope are well under 2 KiB): refuse, do not parse.
const MAX_PASTE = 16 * 1024;
// Bracketed-paste markers a terminal may wrap around pasted text (ESC [200~ … ESC [201~).
const PASTE_MARKERS = new RegExp(`${String.fromCharCode(27)}\\[20[01]~`, 'g');
// The start of a callback address, cut before its query (a line that wrapped there).
const LOOPBACK_PREFIX = /^(?:https?:\/\/)?(?:127\.0\.0\.1|localhost)(?::\d*)?(?:\/[\w/]*)?$/i;

/**
 * What was pasted, reduced to the redirect: bracketed-paste markers, surrounding quotes or angle
 * brackets, and every whitespace character (a URL never has one; terminals insert line breaks and
 * spaces into long lines) are removed. Returns the cleaned text, which may still be anything.
 */
export function cleanPaste(text: string): string {
  // Quotes never belong to an address: one left at either end (its pair went to another line,
  // or was never copied) goes as well as a matched pair.
  const clean = text
    .replace(PASTE_MARKERS, '')
    .replace(/\s+/g, '')
    .replace(/^["'`<]+|["'`>]+$/g, '');
  // A shell-style line continuation left at a break.
  return clean.replace(/\\(?=[?&=]|$)/g, '');
}

/**
 * Reads a pasted redirect for the sign-in whose `state` is `expected` (messages name its
 * `redirectUri`, the address to look for). Accepts the full address
 * (with or without `http://`), or its query string (`code=…&state=…`, with or without `?`).
 * Everything else throws a {@link RedirectRejectedError} whose message says what to copy.
 *
 * @example
 * ```ts
 * readPastedRedirect('"http://127.0.0.1:1455/auth/callback?code=ac_1&state=xyz"', 'xyz');
 * // { kind: 'code', code: 'ac_1' }
 * ```
 */
export function readPastedRedirect(
  text: string,
  expected: string,
  redirectUri = 'http://127.0.0.1:1455/auth/callback',
): PastedRedirect {
  const rejected = (reason: keyof typeof MESSAGES) =>
    new RedirectRejectedError(reason, MESSAGES[reason](redirectUri));
  const clean = text.length > MAX_PASTE ? null : cleanPaste(text);
  if (clean === '') throw rejected('empty');
  const query = clean === null ? null : queryOf(clean);
  if (query === null) {
    if (clean !== null && LOOPBACK_PREFIX.test(clean)) throw rejected('incomplete');
    // Codes are long random strings: letters and digits, no spaces (words are not a code).
    const codeLike = clean !== null && /^[\w.~-]{16,}$/.test(clean) && /\d/.test(clean);
    throw rejected(codeLike ? 'bare_code' : 'not_a_redirect');
  }
  if (query.has('response_type') || query.has('code_challenge')) throw rejected('authorize_url');
  const state = query.get('state');
  const code = query.get('code');
  const error = query.get('error');
  if (state === null || state === '') {
    throw rejected(code || error ? 'incomplete' : 'not_a_redirect');
  }
  if (!sameSecret(state, expected)) {
    throw rejected(expected.startsWith(state) ? 'incomplete' : 'state_mismatch');
  }
  if (error !== null) return { kind: 'error', error, description: query.get('error_description') };
  if (code === null || code === '') throw rejected('incomplete');
  return { kind: 'code', code };
}

/** The query of a pasted address or query string, or `null` when it has none. */
function queryOf(clean: string): URLSearchParams | null {
  const noFragment = clean.split('#', 1)[0] ?? '';
  const mark = noFragment.indexOf('?');
  const query = mark >= 0 ? noFragment.slice(mark + 1) : noFragment;
  if (!query.includes('=')) return null;
  // A pasted address without a query is not a redirect, whatever `=` its path holds.
  if (mark < 0 && /^[a-z][\w+.-]*:\/\/|\//i.test(query)) return null;
  return new URLSearchParams(query);
}

type Message = (redirectUri: string) => string;

const MESSAGES: Record<Exclude<RedirectRejection, 'access_denied' | 'exchange_failed'>, Message> = {
  empty: () =>
    'Nothing was pasted. Copy the address from the browser’s address bar and paste it here.',
  bare_code: (uri) =>
    'That looks like a lone code. Paste the whole address from the browser’s address bar (it ' +
    `starts with ${uri}?code=), so it can be checked against this sign-in.`,
  authorize_url: (uri) =>
    'That is the sign-in link itself. Open it in a browser, sign in, then copy the address the ' +
    `browser lands on (${uri}?code=…) and paste that.`,
  incomplete: () =>
    'That address is cut off (its state is missing or short). Copy the whole address from the ' +
    'address bar, in one piece, and paste it again.',
  not_a_redirect: (uri) =>
    `That is not the address the browser was sent to after signing in. It starts with ${uri}?code= ; ` +
    'copy it from the address bar and paste it again.',
  state_mismatch: () =>
    'That address belongs to another sign-in (an older link or another terminal). Open the link ' +
    'shown for this sign-in, sign in, and paste the address it lands on.',
};
