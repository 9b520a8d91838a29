import { CodexOAuthError, ErrorCodes } from '../model/errors.js';

/**
 * What the browser tab shows once a browser sign-in succeeded (its `/success` request). The
 * default is Codex's page, "Signed in to Codex … return to your terminal", right for a
 * command-line program; a web host says something of its own or sends the tab back to itself.
 *
 * - `{ title?, message }`: plain text on the default page; both are escaped.
 * - `{ html }`: the host's own markup for the page's body, inside the default page and under the
 *   same Content-Security-Policy (`default-src 'none'`, only the built-in style): no script,
 *   event handler or `javascript:` link runs and nothing is loaded from anywhere. It is the
 *   host's own constant: never build it from request input.
 * - `{ redirect }`: `/success` answers `302` to this absolute `http:` or `https:` URL (say the
 *   host's own page), fixed when the sign-in starts; nothing in the request can change it.
 */
export type SuccessPage =
  | { title?: string; message: string }
  | { html: string }
  | { redirect: string };

/** Longest `html`, `title` or `message` accepted: a page, not a payload. */
const MAX_LENGTH = 64 * 1024;

/**
 * Checks a {@link SuccessPage} before anything binds: anything else is
 * `CODEX_OAUTH_INVALID_OPTION` saying what is wrong. A redirect must be an absolute `http:` or
 * `https:` URL without user name or password (so it cannot smuggle `javascript:`, `data:` or a
 * look-alike host).
 */
export function checkSuccessPage(page: unknown): SuccessPage {
  const fail = (why: string): never => {
    throw new CodexOAuthError(ErrorCodes.INVALID_OPTION, `successPage: ${why}.`);
  };
  if (typeof page !== 'object' || page === null)
    return fail('expected { message }, { html } or { redirect }');
  const given = page as Record<string, unknown>;
  const keys = Object.keys(given).filter((key) => given[key] !== undefined);
  const text = (key: string): string => {
    const value = given[key];
    if (typeof value !== 'string') return fail(`${key} must be a string`);
    if (value.length > MAX_LENGTH) return fail(`${key} is longer than ${MAX_LENGTH} characters`);
    return value;
  };
  if ('redirect' in given && keys.length === 1) {
    const target = text('redirect');
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return fail(
        `redirect must be an absolute http(s) URL, got ${JSON.stringify(target.slice(0, 80))}`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return fail(`redirect must be an http: or https: URL, not ${url.protocol}`);
    }
    if (url.username !== '' || url.password !== '')
      return fail('redirect must not carry a user name or password');
    return { redirect: url.href };
  }
  if ('html' in given && keys.length === 1) return { html: text('html') };
  if ('message' in given && keys.every((key) => key === 'message' || key === 'title')) {
    const message = text('message');
    return 'title' in given && given.title !== undefined
      ? { title: text('title'), message }
      : { message };
  }
  return fail('expected exactly one of { title?, message }, { html } or { redirect }');
}
