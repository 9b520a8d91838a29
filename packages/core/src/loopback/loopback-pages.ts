import type { ServerResponse } from 'node:http';

/**
 * The pages and response helpers of the loopback server. Kept apart from the server logic so the
 * security headers live in one place: every answer closes the connection, is never cached, is
 * never sniffed as another type, and HTML may load nothing but its own inline style.
 */

/** The pages' only style, inline. */
export const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;' +
  'color:#1f2328;line-height:1.5}h1{font-size:1.4rem}code{background:#f6f8fa;padding:0 .3em}';

// A hash instead of 'unsafe-inline': the page can style itself and nothing else can run. Written
// out rather than computed at load, so that importing core (every `getAccessToken` caller) does
// not load node:crypto for a page only a browser sign-in serves; a test checks it is STYLE's
// SHA-256, so the two cannot drift apart.
/** SHA-256 of {@link STYLE}, base64: the page CSP's `style-src` hash. */
export const STYLE_HASH = 'MjkO5UfeiiElnk27Siwglhad0P6LmbiMb8uCfaA8KKI=';

/** The CSP of every answer: no scripts, no loads, no framing, no forms. */
const PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

const SECURITY_HEADERS = {
  Connection: 'close',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': PAGE_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;

/** Escapes text for HTML element content and quoted attribute values. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

/**
 * The page `/success` serves once the tokens were obtained: Codex's by default, or the host's
 * text (escaped) or body markup (under the same CSP, so nothing in it can run or load).
 */
export function successPage(
  custom?: { title?: string; message: string } | { html: string },
): string {
  if (custom && 'html' in custom) return page('Signed in', custom.html);
  if (custom) {
    const title = custom.title ?? 'Signed in';
    return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(custom.message)}</p>`);
  }
  return page(
    'Signed in to Codex',
    '<h1>Signed in to Codex</h1><p>You can close this tab and return to your terminal.</p>',
  );
}

/**
 * The page of a callback that could not complete the sign-in. All text is escaped here.
 * `fromHost`: the sign-in was started by a host that set its own success page (a web app), so the
 * page sends the person back to it rather than to "your terminal".
 */
export function errorPage(title: string, message: string, code?: string, fromHost = false): string {
  const codeLine = code ? `<p>Error code: <code>${escapeHtml(code)}</code></p>` : '';
  const back = fromHost
    ? 'Go back to the page you signed in from and try again.'
    : 'Return to your terminal and try signing in again.';
  return page(
    'Codex Sign-in Error',
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${codeLine}<p>${back}</p>`,
  );
}

/** For callbacks that arrive after another one already won: harmless and uninformative. */
export function alreadyHandledPage(): string {
  return page(
    'Codex sign-in',
    '<h1>This sign-in was already handled</h1><p>You can close this tab.</p>',
  );
}

/** Sends a complete HTML answer with the security headers. */
export function sendHtml(res: ServerResponse, status: number, html: string): Promise<void> {
  return send(res, status, 'text/html; charset=utf-8', html);
}

/** Sends a complete plain-text answer with the security headers. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): Promise<void> {
  return send(res, status, 'text/plain; charset=utf-8', text, extra);
}

/**
 * Sends a 302: to a same-origin path (relative, so it works for `localhost` and `127.0.0.1`), or
 * to the host's own page it configured (`successPage: { redirect }`, checked when it started).
 */
export function sendRedirect(res: ServerResponse, location: string): Promise<void> {
  return send(res, 302, 'text/plain; charset=utf-8', 'Redirecting…', { Location: location });
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const bytes = Buffer.from(body, 'utf8');
  return new Promise((resolve) => {
    if (res.headersSent || res.destroyed) {
      resolve();
      return;
    }
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      ...extra,
      'Content-Type': type,
      'Content-Length': String(bytes.length),
    });
    res.once('close', () => resolve());
    res.end(res.req.method === 'HEAD' ? undefined : bytes, () => resolve());
  });
}
