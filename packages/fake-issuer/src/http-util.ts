import type { IncomingMessage, ServerResponse } from 'node:http';

/** Read a whole request body as UTF-8 (bodies here are tiny; 1 MiB cap against runaways). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1 << 20) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The body as JSON when the content type says JSON (or it looks like an object), else undefined. */
export function parseJson(body: string, contentType: string | undefined): unknown {
  const looksJson = contentType?.includes('json') || body.trimStart().startsWith('{');
  if (!looksJson || body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The body as a form when the content type says so. */
export function parseForm(
  body: string,
  contentType: string | undefined,
): Record<string, string> | undefined {
  if (!contentType?.includes('application/x-www-form-urlencoded')) return undefined;
  return Object.fromEntries(new URLSearchParams(body));
}

/** Parameters of a request whatever its encoding (JSON object fields become strings). */
export function bodyParams(
  json: unknown,
  form: Record<string, string> | undefined,
): Record<string, string> {
  if (form) return form;
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}

/** Send a JSON answer; `Cache-Control: no-store` as a token endpoint must. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Send an HTML page with a strict CSP. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'cache-control': 'no-store',
  });
  res.end(html);
}

/** Escape text for HTML (request values are echoed into error pages). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal HTML page. `bodyHtml` must already be escaped. */
export function page(title: string, bodyHtml: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${bodyHtml}</body></html>`;
}

/** An RFC 6749 error body: `{error, error_description}`. */
export function oauthError(error: string, description: string): Record<string, string> {
  return { error, error_description: description };
}

/**
 * An error in the OpenAI API envelope, the shape Codex parses for refresh failures:
 * `{"error":{"message","type":"invalid_request_error","param":null,"code"}}`.
 */
export function openaiError(code: string, message: string): Record<string, unknown> {
  return { error: { message, type: 'invalid_request_error', param: null, code } };
}
