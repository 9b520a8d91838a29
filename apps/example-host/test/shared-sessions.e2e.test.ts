import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ACCOUNT, type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import {
  redisServerMissing,
  startRedisServer,
  type TestRedisServer,
} from '@codex-oauth/test-support/redis-server';
import type { Page } from 'playwright-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleHost, startExampleHost } from '../src/index.js';
import { chromiumMissing, launchBrowser, type TestBrowser } from './helpers/browser.js';

const SIGNED_IN = `Signed in as ${DEFAULT_ACCOUNT.email}, ${DEFAULT_ACCOUNT.planType}`;
const skip = chromiumMissing ?? redisServerMissing;

describe.skipIf(skip)(
  `two example-host instances sharing sessions through Redis, in headless Chromium${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let redis: TestRedisServer;
    let issuer: FakeIssuer;
    let first: ExampleHost;
    let second: ExampleHost;
    let browser: TestBrowser;
    let codexHome: string;

    beforeAll(async () => {
      redis = await startRedisServer();
      codexHome = await mkdtemp(join(tmpdir(), 'example-host-redis-'));
      issuer = await startFakeIssuer({ registeredPorts: 'any' });
      const config = {
        issuer: issuer.url,
        port: 0,
        loginPort: 0,
        codexHome,
        defaultStorage: 'redis' as const,
        codexBin: join(codexHome, 'no-such-codex'),
        redisUrl: redis.url,
      };
      // Two instances on two ports, as behind a load balancer: nothing shared but Redis.
      [first, second] = await Promise.all([startExampleHost(config), startExampleHost(config)]);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await Promise.all([first?.close(), second?.close()]);
      await issuer?.stop();
      await redis?.cleanup();
      if (codexHome) await rm(codexHome, { recursive: true, force: true });
    });

    it('a sign-in on one instance shows on the other at once, and so does a sign-out', async () => {
      expect(first.port).not.toBe(second.port);
      const pageA = await open(browser, first.url);
      // The same browser (cookies are per host, not per port) on the other instance.
      const pageB = await open(browser, second.url);
      await expect(pageB.locator('#storage-redis').isChecked()).resolves.toBe(true);

      const code = await startDeviceSignIn(pageA);
      issuer.approveDevice(code);
      await pageA.locator('#status', { hasText: SIGNED_IN }).waitFor();
      // B's page was not reloaded: the Redis store's watch told instance B, which pushed the view.
      await pageB.locator('#status', { hasText: SIGNED_IN }).waitFor();
      await expect(pageB.locator('#account-id').textContent()).resolves.toBe(
        DEFAULT_ACCOUNT.accountId,
      );

      // The record is in Redis under the browser's session, and no page shows a token.
      const cookie = (await browser.context.cookies()).find((c) => c.name === 'example_host_sid');
      const admin = createClient({ url: redis.url });
      admin.on('error', () => {});
      await admin.connect();
      try {
        const raw = JSON.parse((await admin.get(`example-host:session:${cookie?.value}`)) ?? '{}');
        expect(issuer.isLive(raw.tokens?.refresh_token ?? '')).toBe(true);
        const grant = issuer.issued.grants.at(-1)!;
        for (const page of [pageA, pageB]) {
          const html = await page.content();
          for (const secret of [...grant.refreshTokens, ...grant.accessTokens]) {
            expect(html.includes(secret)).toBe(false);
          }
        }

        await pageB.click('#sign-out');
        await pageB.locator('#status', { hasText: 'Signed out' }).waitFor();
        await pageA.locator('#status', { hasText: 'Signed out' }).waitFor();
        expect(grant.revoked).toBe('revoke');
        expect(await admin.exists(`example-host:session:${cookie?.value}`)).toBe(0);

        // After sign-out on B, a sign-in on B shows on A again (B's store was renewed).
        const again = await startDeviceSignIn(pageB);
        issuer.approveDevice(again);
        await pageA.locator('#status', { hasText: SIGNED_IN }).waitFor();
      } finally {
        await admin.close();
      }
    });

    it('another browser is another session: signed out on both instances', async () => {
      const other = await launchBrowser();
      try {
        for (const host of [first, second]) {
          const page = await other.context.newPage();
          await page.goto(host.url);
          await page.locator('#status', { hasText: 'Signed out' }).waitFor();
        }
      } finally {
        await other.close();
      }
    });
  },
);

async function open(browser: TestBrowser, url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.locator('#status').waitFor();
  return page;
}

/** Clicks "Use a device code" and returns the code once the page shows it. */
async function startDeviceSignIn(page: Page): Promise<string> {
  await page.click('#sign-in-device');
  const shown = page.locator('#user-code', { hasText: /^[A-Z0-9]+-[A-Z0-9]+$/ });
  await shown.waitFor();
  return (await shown.textContent()) ?? '';
}
