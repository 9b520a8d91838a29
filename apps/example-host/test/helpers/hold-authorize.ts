import type { BrowserContext } from 'playwright-core';

/**
 * Holds every tab of `context` at the issuer's authorize page until `release()`, so a browser
 * sign-in stays pending (the page can be looked at, or another person can start theirs) and then
 * finishes for real: the held request goes on to the fake issuer, which redirects the tab to the
 * host's loopback callback.
 */
export async function holdAuthorize(
  context: BrowserContext,
  issuerUrl: string,
): Promise<{ release: () => Promise<void> }> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const pattern = `${issuerUrl}/oauth/authorize**`;
  await context.route(pattern, async (route) => {
    await gate;
    await route.continue();
  });
  return {
    // The route stays (a handler still running must not lose it); once open it lets all pass.
    async release() {
      open();
    },
  };
}
