import { DEFAULT_ACCOUNT, type FakeIssuer } from '@codex-oauth/fake-issuer';
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExampleHost } from '../src/index.js';
import { chromiumMissing, type TestBrowser } from './helpers/browser.js';
import { useHostInChromium } from './helpers/host-in-chromium.js';

const SIGNED_IN = `Signed in as ${DEFAULT_ACCOUNT.email}, ${DEFAULT_ACCOUNT.planType}`;

// The host as a remotely hosted app: the person's browser is on another machine, so the issuer's
// redirect to the host's loopback port cannot load there. Chromium is made to fail that one
// navigation for real (CDP Fetch fails it with ERR_ADDRESS_UNREACHABLE, which is what such a
// browser shows), and the address it was sent to is pasted into the page, as a person would.

describe.skipIf(chromiumMissing)(
  `example-host paste path in headless Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let issuer: FakeIssuer;
    let host: ExampleHost;
    let browser: TestBrowser;
    let page: Page;

    useHostInChromium({ homePrefix: 'example-host-paste-' }, (fixture) => {
      ({ issuer, host, browser, page } = fixture);
    });

    /**
     * Clicks "Sign in with ChatGPT" and returns the address the new tab was redirected to, which
     * did not load. The sign-in request is held until the tab fails loopback navigations, so the
     * redirect cannot slip through before.
     */
    async function signInFromElsewhere(): Promise<string> {
      let ready!: () => void;
      const tabReady = new Promise<void>((resolve) => {
        ready = resolve;
      });
      await page.route('**/api/login/browser', async (route) => {
        await tabReady;
        await route.continue();
      });
      const [tab] = await Promise.all([
        browser.context.waitForEvent('page'),
        page.click('#sign-in-browser'),
      ]);
      const cdp: CDPSession = await browser.context.newCDPSession(tab);
      const landed = new Promise<string>((resolve) => {
        cdp.on('Fetch.requestPaused', (event) => {
          resolve(event.request.url);
          void cdp.send('Fetch.failRequest', {
            requestId: event.requestId,
            errorReason: 'AddressUnreachable',
          });
        });
      });
      await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*/auth/callback*' }] });
      ready();
      const url = await landed;
      await page.unroute('**/api/login/browser');
      return url;
    }

    it('a bad paste is explained, the good one signs in, and the loopback never saw the callback', async () => {
      const loopback: string[] = [];
      browser.context.on('requestfinished', (request) => {
        if (new URL(request.url()).pathname === '/auth/callback') loopback.push(request.url());
      });
      const landed = await signInFromElsewhere();
      expect(new URL(landed).pathname).toBe('/auth/callback');
      await page.locator('#pending-browser').waitFor();
      await expect(page.locator('#paste-redirect').textContent()).resolves.toBe(
        `${new URL(landed).origin}/auth/callback`,
      );

      await page.fill('#paste-url', 'https://example.invalid/not-it');
      await page.click('#paste-submit');
      await page.locator('#error', { hasText: 'CODEX_OAUTH_REDIRECT_REJECTED' }).waitFor();
      await expect(page.locator('#pending-browser').isVisible()).resolves.toBe(true);

      // As copied from an address bar, with stray spaces around it.
      await page.fill('#paste-url', `  ${landed}  `);
      await page.click('#paste-submit');
      await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
      await expect(page.locator('#error').isHidden()).resolves.toBe(true);
      await expect(page.locator('#paste-url').inputValue()).resolves.toBe('');
      expect(loopback).toEqual([]);
      expect(issuer.issued.grants.at(-1)?.via).toBe('browser');

      // The code and the tokens stay on the server.
      const code = new URL(landed).searchParams.get('code') as string;
      const html = await page.content();
      const api = await (await page.request.get(`${host.url}/api/status`)).text();
      const grant = issuer.issued.grants.at(-1);
      for (const secret of [
        code,
        ...(grant?.refreshTokens ?? []),
        ...(grant?.accessTokens ?? []),
      ]) {
        expect(html.includes(secret)).toBe(false);
        expect(api.includes(secret)).toBe(false);
      }
    });

    it('an address from an earlier sign-in is refused and this one stays open', async () => {
      const earlier = await signInFromElsewhere();
      await page.click('#cancel-browser');
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      const landed = await signInFromElsewhere();
      await page.fill('#paste-url', earlier);
      await page.click('#paste-submit');
      await page.locator('#error', { hasText: 'belongs to another sign-in' }).waitFor();
      await page.fill('#paste-url', landed);
      await page.click('#paste-submit');
      await page.locator('#status', { hasText: SIGNED_IN }).waitFor();
    });
  },
);
