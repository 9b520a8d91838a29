import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ACCOUNT, type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleHost, startExampleHost } from '../src/index.js';
import { chromiumMissing, launchBrowser, type TestBrowser } from './helpers/browser.js';
import { holdAuthorize } from './helpers/hold-authorize.js';

// Two people start a browser sign-in on one host at the same moment, on the registered ports
// (1455, 1457) as against the real issuer. Before, the second sent GET /cancel to 1455 and killed
// the first; now the second takes 1457 and both finish, and a third, with both ports taken, is
// told "another sign-in is in progress here" while the first two go on.

const SHOTS = new URL('../test-output/states/', import.meta.url);
const SIGNED_IN = `Signed in as ${DEFAULT_ACCOUNT.email}, ${DEFAULT_ACCOUNT.planType}`;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port }, () => probe.close(() => resolve(true)));
  });
}

const busy = !(await portIsFree(1455)) || !(await portIsFree(1457));
const skipped = chromiumMissing ?? (busy ? '1455 or 1457 is held by another process' : undefined);

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
}

describe.skipIf(skipped)(
  `example-host: concurrent browser sign-ins${skipped ? ` (skipped: ${skipped})` : ''}`,
  () => {
    let issuer: FakeIssuer;
    let host: ExampleHost;
    let codexHome: string;
    let first: TestBrowser;
    let second: TestBrowser;

    beforeAll(async () => {
      codexHome = await mkdtemp(join(tmpdir(), 'example-host-concurrent-'));
      issuer = await startFakeIssuer({ registeredPorts: 'any' });
      host = await startExampleHost({
        issuer: issuer.url,
        port: 0,
        loginPort: 1455,
        codexHome,
        defaultStorage: 'memory',
        codexBin: join(codexHome, 'no-such-codex'),
      });
      // Two people: two browsers, two cookies, two sessions on the host.
      first = await launchBrowser();
      second = await launchBrowser();
    });

    afterAll(async () => {
      await first?.close();
      await second?.close();
      await host?.close();
      await issuer?.stop();
      if (codexHome) await rm(codexHome, { recursive: true, force: true });
    });

    /** Opens the host and starts a browser sign-in; the tab waits at the issuer until released. */
    async function startHeld(browser: TestBrowser) {
      const page = await browser.context.newPage();
      await page.goto(host.url);
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      const held = await holdAuthorize(browser.context, issuer.url);
      const [tab] = await Promise.all([
        browser.context.waitForEvent('page'),
        page.click('#sign-in-browser'),
      ]);
      await page.locator('#pending-browser').waitFor();
      return { page, tab, held };
    }

    it('both finish (1455 and 1457); a third is told another sign-in is in progress', async () => {
      const a = await startHeld(first);
      const b = await startHeld(second);
      await expect(a.page.locator('#paste-redirect').textContent()).resolves.toBe(
        'http://127.0.0.1:1455/auth/callback',
      );
      await expect(b.page.locator('#paste-redirect').textContent()).resolves.toBe(
        'http://127.0.0.1:1457/auth/callback',
      );
      // The first is still pending: the second did not cancel it.
      await expect(a.page.locator('#status').textContent()).resolves.toBe('Signing in…');
      await expect(a.page.locator('#error').isHidden()).resolves.toBe(true);
      await shot(a.page, '10-concurrent-first-pending-1455');
      await shot(b.page, '11-concurrent-second-pending-1457');

      // A third person (a fresh cookie in the second browser) finds both ports taken.
      await second.context.clearCookies();
      const c = await second.context.newPage();
      await c.goto(host.url);
      await c.locator('#status', { hasText: 'Signed out' }).waitFor();
      await c.click('#sign-in-browser');
      await c.locator('#error', { hasText: 'CODEX_OAUTH_LOGIN_IN_PROGRESS' }).waitFor();
      await expect(c.locator('#error').textContent()).resolves.toContain(
        'Another sign-in is in progress here',
      );
      await expect(c.locator('#pending-browser').isHidden()).resolves.toBe(true);
      await expect(c.locator('#sign-in-browser').isDisabled()).resolves.toBe(false);
      await shot(c, '12-concurrent-third-in-progress');

      // Both first sign-ins now finish, each tab through its own port, and land back on the host.
      await Promise.all([a.held.release(), b.held.release()]);
      await a.page.locator('#status', { hasText: SIGNED_IN }).waitFor();
      await b.page.locator('#status', { hasText: SIGNED_IN }).waitFor();
      await a.tab.waitForURL(`${host.url}/signed-in`);
      await b.tab.waitForURL(`${host.url}/signed-in`);
      await shot(a.page, '13-concurrent-first-signed-in');
      await shot(b.page, '14-concurrent-second-signed-in');
      expect(issuer.issued.grants.filter((grant) => grant.via === 'browser')).toHaveLength(2);
    });
  },
);
