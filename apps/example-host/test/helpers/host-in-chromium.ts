import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIssuer, type FakeIssuerOptions, startFakeIssuer } from '@codex-oauth/fake-issuer';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type ExampleHost, type HostConfig, startExampleHost } from '../../src/index.js';
import { type LaunchOptions, launchBrowser, type TestBrowser } from './browser.js';

/** What {@link useHostInChromium} hands each test. */
export interface HostInChromium {
  issuer: FakeIssuer;
  host: ExampleHost;
  /** The host's configuration, for a test that starts a second host like it. */
  config: HostConfig;
  codexHome: string;
  browser: TestBrowser;
  /** A new tab for each test (a fresh browser session on the host: cookies are cleared). */
  page: Page;
}

/** Options of {@link useHostInChromium}. */
export interface HostInChromiumOptions {
  /** Prefix of the temporary CODEX_HOME. */
  homePrefix: string;
  /** Options of the fake issuer beside `registeredPorts: 'any'`. */
  issuer?: FakeIssuerOptions;
  /** The person's time zone and locale. */
  launch?: LaunchOptions;
  /** Open the host in each test's tab and wait for "Signed out" (default true). */
  openHost?: boolean;
}

/**
 * The fixture the example host's browser tests share: one fake issuer, one host (memory storage
 * by default, no Codex binary) and one headless Chromium per file, a new tab per test. `use`
 * receives them after each setup step, as apps/cli's `useCliSandbox` does.
 */
export function useHostInChromium(
  options: HostInChromiumOptions,
  use: (fixture: HostInChromium) => void,
): void {
  const fixture = {} as HostInChromium;
  beforeAll(async () => {
    fixture.codexHome = await mkdtemp(join(tmpdir(), options.homePrefix));
    fixture.issuer = await startFakeIssuer({ registeredPorts: 'any', ...options.issuer });
    fixture.config = {
      issuer: fixture.issuer.url,
      port: 0,
      loginPort: 0,
      codexHome: fixture.codexHome,
      defaultStorage: 'memory',
      codexBin: join(fixture.codexHome, 'no-such-codex'),
    };
    fixture.host = await startExampleHost(fixture.config);
    fixture.browser = await launchBrowser(options.launch);
    use(fixture);
  });

  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.host?.close();
    await fixture.issuer?.stop();
    if (fixture.codexHome) await rm(fixture.codexHome, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // A fresh cookie is a fresh browser session on the host.
    await fixture.browser.context.clearCookies();
    fixture.page = await fixture.browser.context.newPage();
    if (options.openHost !== false) {
      await fixture.page.goto(fixture.host.url);
      await fixture.page.locator('#status', { hasText: 'Signed out' }).waitFor();
    }
    use(fixture);
  });

  afterEach(async () => {
    for (const open of fixture.browser.context.pages()) await open.close();
  });
}
