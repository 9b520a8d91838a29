import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNT, type FakeIssuer, type IssuedGrant } from '@codex-oauth/fake-issuer';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ExampleHost, type HostConfig, startExampleHost } from '../src/index.js';
import { chromiumMissing, type TestBrowser } from './helpers/browser.js';
import { useHostInChromium } from './helpers/host-in-chromium.js';

const OUTPUT = new URL('../test-output/', import.meta.url);
const SIGNED_IN = `Signed in as ${DEFAULT_ACCOUNT.email}, ${DEFAULT_ACCOUNT.planType}`;

if (chromiumMissing) console.warn(`example-host browser tests skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing)(
  `example-host in headless Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let issuer: FakeIssuer;
    let host: ExampleHost;
    let browser: TestBrowser;
    let codexHome: string;
    let page: Page;
    let hostConfig: HostConfig;

    useHostInChromium({ homePrefix: 'example-host-home-' }, (fixture) => {
      ({ issuer, host, browser, codexHome, page, config: hostConfig } = fixture);
    });

    it('signs in through the browser flow in a new tab and shows the account', async () => {
      const visited: URL[] = [];
      browser.context.on('request', (request) => visited.push(new URL(request.url())));
      const [tab] = await Promise.all([
        browser.context.waitForEvent('page'),
        page.click('#sign-in-browser'),
      ]);
      await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
      // The tab went to the fake issuer, which redirected it to the loopback callback, which sent
      // it back to this host's /signed-in page (core's successPage: { redirect }).
      await tab.waitForURL(`${host.url}/signed-in`);
      const authorize = visited.find((url) => url.pathname === '/oauth/authorize');
      const callback = visited.find((url) => url.pathname === '/auth/callback');
      expect(authorize?.origin).toBe(issuer.url);
      expect(callback?.searchParams.get('state')).toBe(authorize?.searchParams.get('state'));
      expect(
        visited.some((url) => url.origin === callback?.origin && url.pathname === '/success'),
      ).toBe(true);
      await expect(page.locator('#account-id').textContent()).resolves.toBe(
        DEFAULT_ACCOUNT.accountId,
      );
      await expect(page.locator('#sign-out').isVisible()).resolves.toBe(true);

      await mkdir(OUTPUT, { recursive: true });
      await page.screenshot({ path: new URL('signed-in.png', OUTPUT).pathname, fullPage: true });

      // Nothing secret reached the page or its API.
      const html = await page.content();
      const api = await (await page.request.get(`${host.url}/api/status`)).text();
      const grant = issuer.issued.grants.at(-1);
      expect(secretsOf(grant).length).toBeGreaterThan(0);
      for (const secret of secretsOf(grant)) {
        expect(html.includes(secret)).toBe(false);
        expect(api.includes(secret)).toBe(false);
      }
      expect([...browser.hosts]).toEqual(['127.0.0.1']);
    });

    it('signs in with a device code typed into the issuer page', async () => {
      const code = await startDeviceSignIn(page);
      const link = page.locator('#verification-link');
      await expect(link.getAttribute('href')).resolves.toBe(`${issuer.url}/codex/device`);

      const [tab] = await Promise.all([browser.context.waitForEvent('page'), link.click()]);
      await tab.fill('input[name="user_code"]', code);
      await tab.click('button[value="approve"]');
      await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
      await expect(page.locator('#pending-device').isHidden()).resolves.toBe(true);
      expect(issuer.issued.grants.at(-1)?.via).toBe('device');
    });

    it('signs out: the issuer revokes the grant and the page shows signed out', async () => {
      await signInWithDevice(page, issuer);
      const grant = issuer.issued.grants.at(-1);
      await page.click('#sign-out');
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      await expect(page.locator('#sign-out').isHidden()).resolves.toBe(true);
      expect(grant?.revoked).toBe('revoke');
      // A new sign-in works after sign-out (core stopped the old memory store).
      await signInWithDevice(page, issuer);
    });

    it('writes auth.json into CODEX_HOME after switching to file storage', async () => {
      await page.check('#storage-file');
      await page.locator('#codex-home', { hasText: codexHome }).waitFor();
      await signInWithDevice(page, issuer);
      await page.locator('#auth-file', { hasText: join(codexHome, 'auth.json') }).waitFor();
      const file = JSON.parse(await readFile(join(codexHome, 'auth.json'), 'utf8'));
      expect(file.tokens.account_id).toBe(DEFAULT_ACCOUNT.accountId);
      // Back to memory: this session's memory store is empty, the file stays.
      await page.check('#storage-memory');
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      await expect(readFile(join(codexHome, 'auth.json'), 'utf8')).resolves.toContain('tokens');
    });

    it('explains that Connect Codex needs the codex binary when it is missing', async () => {
      await signInWithDevice(page, issuer);
      await page.click('#codex-connect');
      await page.locator('#codex-status', { hasText: 'not installed' }).waitFor();
    });

    it('connects a Codex app-server stand-in and shows what account/read reports', async () => {
      const bin = join(codexHome, 'codex');
      const fixture = fileURLToPath(new URL('fixtures/fake-codex-app-server.mjs', import.meta.url));
      await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${fixture}" "$@"\n`, {
        mode: 0o755,
      });
      const withCodex = await startExampleHost({ ...hostConfig, codexBin: bin });
      try {
        await page.goto(withCodex.url);
        await signInWithDevice(page, issuer);
        await page.click('#codex-connect');
        const read = `account/read: chatgpt, ${DEFAULT_ACCOUNT.email}, ${DEFAULT_ACCOUNT.planType}`;
        await page.locator('#codex-status', { hasText: read }).waitFor();
        await page.click('#sign-out');
        await page.locator('#codex-status', { hasText: 'Codex was disconnected' }).waitFor();
      } finally {
        await withCodex.close();
      }
    });
  },
);

/** Signs the page's session in through the device flow, approving with the issuer's handle. */
async function signInWithDevice(page: Page, issuer: FakeIssuer): Promise<void> {
  const code = await startDeviceSignIn(page);
  issuer.approveDevice(code);
  await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
}

/** Clicks "Use a device code" and returns the code once the page shows it. */
async function startDeviceSignIn(page: Page): Promise<string> {
  await page.click('#sign-in-device');
  const shown = page.locator('#user-code', { hasText: /^[A-Z0-9]+-[A-Z0-9]+$/ });
  await shown.waitFor();
  return (await shown.textContent()) ?? '';
}

function secretsOf(grant: IssuedGrant | undefined): string[] {
  if (!grant) return [];
  return [...grant.refreshTokens, ...grant.accessTokens, ...grant.idTokens];
}
