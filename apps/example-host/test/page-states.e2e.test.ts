import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startLoopbackServer } from '@codex-oauth/core';
import { DEFAULT_ACCOUNT, type FakeIssuer } from '@codex-oauth/fake-issuer';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ExampleHost, type HostConfig, startExampleHost } from '../src/index.js';
import { chromiumMissing, type TestBrowser } from './helpers/browser.js';
import { holdAuthorize } from './helpers/hold-authorize.js';
import { useHostInChromium } from './helpers/host-in-chromium.js';

// Every state of the page a person meets, in headless Chromium against the fake issuer, with a
// screenshot of each in test-output/states/ (gitignored). The assertions are on the DOM; the
// pictures are for people reviewing the page.

const SHOTS = new URL('../test-output/states/', import.meta.url);
const SIGNED_IN = `Signed in as ${DEFAULT_ACCOUNT.email}, ${DEFAULT_ACCOUNT.planType}`;

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
}

/** What the account part of the page shows: visible or not, and every text it holds. */
async function accountShown(page: Page) {
  return {
    visible: await page.locator('#account').isVisible(),
    accountId: await page.locator('#account-id').textContent(),
    expiry: await page.locator('#account-expiry').textContent(),
    relative: await page.locator('#account-expiry-relative').textContent(),
  };
}

const NO_ACCOUNT = { visible: false, accountId: '', expiry: '—', relative: '' };

async function signInButtons(page: Page) {
  return {
    browser: await page.locator('#sign-in-browser').isDisabled(),
    device: await page.locator('#sign-in-device').isDisabled(),
  };
}

describe.skipIf(chromiumMissing)(
  `example-host page states in headless Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let issuer: FakeIssuer;
    let host: ExampleHost;
    let browser: TestBrowser;
    let codexHome: string;
    let page: Page;
    let config: HostConfig;

    useHostInChromium(
      {
        homePrefix: 'example-host-states-',
        issuer: { accessTokenTtlSeconds: 3600 },
        // A person in New York: the expiry must name that zone.
        launch: { timezoneId: 'America/New_York', locale: 'en-US' },
        openHost: false,
      },
      (fixture) => {
        ({ issuer, host, browser, codexHome, page, config } = fixture);
      },
    );

    it('first load, pending, signed in (zone + relative expiry), back on the host, signed out', async () => {
      await page.goto(host.url);
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      // First load: every label filled, nothing of an account, both ways to sign in offered.
      await expect(page.locator('#loading').isHidden()).resolves.toBe(true);
      await expect(page.locator('#issuer').textContent()).resolves.toBe(issuer.url);
      await expect(page.locator('#codex-home').textContent()).resolves.toBe(codexHome);
      await expect(accountShown(page)).resolves.toEqual(NO_ACCOUNT);
      await expect(signInButtons(page)).resolves.toEqual({ browser: false, device: false });
      await shot(page, '01-first-load');

      // Pending: the tab is held at the issuer; both buttons are disabled.
      const held = await holdAuthorize(browser.context, issuer.url);
      const [tab] = await Promise.all([
        browser.context.waitForEvent('page'),
        page.click('#sign-in-browser'),
      ]);
      await page.locator('#pending-browser').waitFor();
      await expect(page.locator('#status').textContent()).resolves.toBe('Signing in…');
      await expect(signInButtons(page)).resolves.toEqual({ browser: true, device: true });
      await expect(accountShown(page)).resolves.toEqual(NO_ACCOUNT);
      await shot(page, '02-pending-browser');

      // Signed in: the tab is sent back to this host's /signed-in page, not "your terminal".
      await held.release();
      await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
      await tab.waitForURL(`${host.url}/signed-in`);
      await expect(tab.locator('#signed-in-title').textContent()).resolves.toBe(
        'You are signed in',
      );
      await expect(tab.locator('body').textContent()).resolves.not.toContain('terminal');
      await shot(tab, '03-callback-tab-redirected-to-host');
      const shown = await accountShown(page);
      expect(shown.visible).toBe(true);
      expect(shown.accountId).toBe(DEFAULT_ACCOUNT.accountId);
      // "Dec 1, 2026, 7:05:01 PM EST (in 60 min.)": the zone is named, the distance is given.
      expect(shown.expiry).toMatch(
        /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M E[SD]T$/,
      );
      expect(shown.relative).toMatch(/^\(in (59|60) min\.\)$/);
      const datetime = await page.locator('#account-expiry').getAttribute('datetime');
      expect(Math.round((Date.parse(datetime ?? '') - Date.now()) / 60_000)).toBeGreaterThan(55);
      await shot(page, '04-signed-in');

      // Signed out: nothing of the account stays on the page.
      await page.click('#sign-out');
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      await expect(accountShown(page)).resolves.toEqual(NO_ACCOUNT);
      await expect(page.locator('#sign-out').isHidden()).resolves.toBe(true);
      await expect(signInButtons(page)).resolves.toEqual({ browser: false, device: false });
      const html = await page.content();
      expect(html).not.toContain(DEFAULT_ACCOUNT.accountId);
      await shot(page, '05-signed-out');
    });

    it('a device code shown, then cancelled, says so; a sign-in after sign-out shows no stale data', async () => {
      await page.goto(host.url);
      await signInWithDevice(page, issuer);
      await page.click('#sign-out');
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();

      await page.click('#sign-in-device');
      const code = page.locator('#user-code', { hasText: /^[A-Z0-9]+-[A-Z0-9]+$/ });
      await code.waitFor();
      const userCode = await code.textContent();
      await expect(signInButtons(page)).resolves.toEqual({ browser: true, device: true });
      await expect(accountShown(page)).resolves.toEqual(NO_ACCOUNT);
      await expect(page.locator('#status').textContent()).resolves.toBe('Signing in…');
      await shot(page, '06-device-code-shown');

      await page.click('#cancel-device');
      await page.locator('#notice', { hasText: 'Sign-in cancelled' }).waitFor();
      await expect(page.locator('#notice').textContent()).resolves.toBe(
        `Sign-in cancelled: the code ${userCode} no longer works.`,
      );
      await expect(page.locator('#pending-device').isHidden()).resolves.toBe(true);
      await expect(page.locator('#user-code').textContent()).resolves.toBe('');
      await expect(signInButtons(page)).resolves.toEqual({ browser: false, device: false });
      await shot(page, '07-device-code-cancelled');
      await expect(page.locator('#status').textContent()).resolves.toBe('Signed out');
    });

    it('switching storage shows what the new store holds, not the last account', async () => {
      await page.goto(host.url);
      await signInWithDevice(page, issuer);
      await page.check('#storage-file');
      await page.locator('#notice', { hasText: 'Storage switched to file' }).waitFor();
      await expect(page.locator('#status').textContent()).resolves.toBe('Signed out');
      await expect(accountShown(page)).resolves.toEqual(NO_ACCOUNT);
      await expect(page.locator('#auth-file').textContent()).resolves.toBe(
        `Tokens are written to ${join(codexHome, 'auth.json')}`,
      );
      await shot(page, '08-storage-switched');
      // And back: the memory store still holds the session.
      await page.check('#storage-memory');
      await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
    });

    it("a host's own words on the callback tab (successPage: message), escaped, never 'terminal'", async () => {
      const worded = await startExampleHost({ ...config, successPage: 'message' });
      try {
        await page.goto(worded.url);
        await page.locator('#status', { hasText: 'Signed out' }).waitFor();
        const [tab] = await Promise.all([
          browser.context.waitForEvent('page'),
          page.click('#sign-in-browser'),
        ]);
        await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
        await tab.locator('h1', { hasText: 'Signed in to the example host' }).waitFor();
        expect(new URL(tab.url()).pathname).toBe('/success');
        await expect(tab.locator('body').textContent()).resolves.not.toContain('terminal');
        await shot(tab, '09-callback-tab-host-message');
      } finally {
        await worded.close();
      }
    });

    it("a host's own successPage html shows in Chromium, and nothing in it runs or loads", async () => {
      const server = await startLoopbackServer<object>({
        port: 0,
        fallbackPort: null,
        expectedState: 'html-state',
        handleCode: async () => ({}),
        successPage: {
          html:
            '<h1 id="mine">Welcome back to Acme</h1>' +
            '<script>document.getElementById("mine").textContent = "script ran"</script>' +
            '<img src="x" onerror="document.title = \'handler ran\'">' +
            '<a id="js" href="javascript:document.title=\'link ran\'">x</a>',
        },
      });
      try {
        const blocked: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') blocked.push(message.text());
        });
        await page.goto(`http://127.0.0.1:${server.port}/auth/callback?state=html-state&code=ac_1`);
        expect(new URL(page.url()).pathname).toBe('/success');
        await expect(page.locator('#mine').textContent()).resolves.toBe('Welcome back to Acme');
        await page.click('#js');
        await expect(page.title()).resolves.toBe('Signed in');
        // Chromium reports each refusal: the script, the handler, the image, the link.
        expect(blocked.some((text) => text.includes('Content Security Policy'))).toBe(true);
        await shot(page, '15-callback-tab-host-html');
        await server.result;
      } finally {
        await server.close();
      }
    });
  },
);

async function signInWithDevice(page: Page, issuer: FakeIssuer): Promise<void> {
  await page.locator('#status', { hasText: 'Signed out' }).waitFor();
  await page.click('#sign-in-device');
  const shown = page.locator('#user-code', { hasText: /^[A-Z0-9]+-[A-Z0-9]+$/ });
  await shown.waitFor();
  issuer.approveDevice((await shown.textContent()) ?? '');
  await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
}
