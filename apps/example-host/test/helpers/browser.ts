import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

// CHROMIUM_PATH, when set, is the only candidate (so a run can also check the skip path).
const CANDIDATES = process.env.CHROMIUM_PATH
  ? [process.env.CHROMIUM_PATH]
  : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Debian's Chromium, or `undefined` when it is not installed. */
const chromiumPath = CANDIDATES.find((path): path is string => {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** Why the browser tests skip, or `undefined` when they run. */
export const chromiumMissing = chromiumPath
  ? undefined
  : 'chromium is not installed (apt-get install -y chromium)';

// The machine's recipe (toolchain.md), plus a resolver that only knows the loopback address, so
// the browser cannot reach anything but 127.0.0.1 even if a page tried.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** A headless Chromium with a fresh profile; `close` also removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** Every host the browser sent a request to. */
  hosts: Set<string>;
  close(): Promise<void>;
}

/** Options of {@link launchBrowser}: the person's time zone and locale (default: the machine's). */
export interface LaunchOptions {
  timezoneId?: string;
  locale?: string;
}

/** Launches Chromium with a fresh `--user-data-dir` (a persistent context in a temp folder). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'example-host-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ARGS,
    viewport: { width: 900, height: 760 },
    ...options,
  });
  const hosts = new Set<string>();
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith('http')) hosts.add(url.hostname);
  });
  return {
    context,
    hosts,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
