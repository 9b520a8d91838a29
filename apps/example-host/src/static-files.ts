import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/**
 * The page allows nothing from elsewhere: script, style and fetches come from this app only, no
 * inline code, no frames, no forms posting away.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  // Where the sign-in tab lands after success (core's `successPage: { redirect }`).
  '/signed-in': { file: 'signed-in.html', type: 'text/html; charset=utf-8' },
};

// `public/` sits beside `src/` and `dist/`, so the same relative URL works from both.
const PUBLIC = new URL('../public/', import.meta.url);

/** Serves the page, its two assets and the signed-in tab's page; answers `false` for any other path. */
export async function serveStatic(path: string, res: ServerResponse): Promise<boolean> {
  const entry = FILES[path];
  if (!entry) return false;
  const body = await readFile(new URL(entry.file, PUBLIC));
  res.writeHead(200, {
    'Content-Type': entry.type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(body);
  return true;
}
