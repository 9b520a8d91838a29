import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The built entries, as a program imports them (`pnpm build` first, as for every package test
// that runs dist): `@codex-oauth/net-ca/config` must load no undici, and share its classes with
// the main entry.
const here = fileURLToPath(new URL('..', import.meta.url));

/** Imports `entries` in a fresh Node and reports whether undici was loaded. */
async function undiciLoadedBy(...entries: string[]): Promise<boolean> {
  const script = `
    import { createRequire } from 'node:module';
    for (const entry of ${JSON.stringify(entries)}) await import(entry);
    const cache = createRequire(import.meta.url).cache;
    console.log(Object.keys(cache).some((path) => path.includes('/undici/')));
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { cwd: here },
  );
  return stdout.trim() === 'true';
}

describe('@codex-oauth/net-ca/config', () => {
  it('loads no undici; the main entry does (so this test can tell)', async () => {
    expect(await undiciLoadedBy('@codex-oauth/net-ca/config')).toBe(false);
    expect(await undiciLoadedBy('@codex-oauth/net-ca')).toBe(true);
  });

  it('hands out the same functions and error class as the main entry', async () => {
    const config = await import('@codex-oauth/net-ca/config');
    const main = await import('@codex-oauth/net-ca');
    expect(config.NetCaError).toBe(main.NetCaError);
    expect(config.loadCaBundle).toBe(main.loadCaBundle);
    expect(config.classifyNetworkError).toBe(main.classifyNetworkError);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = config.classifyNetworkError(refused, { url: 'http://127.0.0.1:9/x?secret=1' });
    expect(main.isNetCaError(error, 'CODEX_OAUTH_NETWORK_ERROR')).toBe(true);
    expect(error?.message).toContain('http://127.0.0.1:9');
    expect(error?.message).not.toContain('secret');
  });
});
