import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openBrowser } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'env-detect open '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in browser: writes each argument NUL-terminated to a temp file, then renames it into
 * place, so the test sees either nothing or the whole argv.
 */
function recorder(name: string): { script: string; output: string } {
  const script = join(dir, name);
  const output = `${script}.argv`;
  writeFileSync(
    script,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > "$0.tmp" && mv "$0.tmp" "$0.argv"\n`,
  );
  chmodSync(script, 0o755);
  return { script, output };
}

async function recordedArgv(output: string): Promise<string[]> {
  await vi.waitFor(() => expect(existsSync(output)).toBe(true), { timeout: 10_000 });
  return readFileSync(output, 'utf8').split('\0').slice(0, -1);
}

const linux = { os: 'linux', wsl: false } as const;
const basePath = process.env.PATH ?? '/usr/bin:/bin';

describe('openBrowser on this machine', () => {
  it('runs BROWSER and the URL arrives intact as one argument', async () => {
    const { script, output } = recorder('record-browser');
    const url = `https://auth.example/oauth/authorize?a=1&b=two words&c='q'"$HOME;|x`;
    const env = { PATH: basePath, BROWSER: `'${script}' --new-window` };
    const result = await openBrowser(url, { env, envInfo: linux });
    expect(result).toEqual({ launched: true, command: script });
    expect(await recordedArgv(output)).toEqual(['--new-window', url]);
  });

  it('substitutes %s from BROWSER with the URL as one argument', async () => {
    const { script, output } = recorder('record-placeholder');
    const url = 'https://auth.example/?state=a&b=%20c';
    const env = { PATH: basePath, BROWSER: `'${script}' --open %s --then` };
    const result = await openBrowser(url, { env, envInfo: linux });
    expect(result.launched).toBe(true);
    expect(await recordedArgv(output)).toEqual(['--open', url, '--then']);
  });

  it('reports a BROWSER that does not exist as not launched, without throwing', async () => {
    const missing = join(dir, 'no-such-browser');
    const result = await openBrowser('https://auth.example/', {
      env: { PATH: basePath, BROWSER: `'${missing}'` },
      envInfo: linux,
    });
    expect(result).toEqual({
      launched: false,
      reason: 'spawn-failed',
      detail: `${missing} was not found`,
    });
  });

  it('reports no-opener when nothing on PATH can open a browser', async () => {
    const emptyDir = mkdtempSync(join(dir, 'empty-path-'));
    const result = await openBrowser('https://auth.example/', {
      env: { PATH: emptyDir },
      envInfo: linux,
    });
    expect(result).toMatchObject({ launched: false, reason: 'no-opener' });
  });

  it('launches nothing for a URL that is not http(s)', async () => {
    const { script, output } = recorder('record-never');
    const result = await openBrowser('file:///etc/passwd', {
      env: { PATH: basePath, BROWSER: `'${script}'` },
      envInfo: linux,
    });
    expect(result).toMatchObject({ launched: false, reason: 'invalid-url' });
    expect(existsSync(output)).toBe(false);
  });

  it('detects the environment itself when envInfo is left out', async () => {
    const { script, output } = recorder('record-detected');
    const url = 'https://auth.example/?x=1';
    const result = await openBrowser(url, { env: { PATH: basePath, BROWSER: `'${script}'` } });
    expect(result.launched).toBe(true);
    expect(await recordedArgv(output)).toEqual([url]);
  });
});
