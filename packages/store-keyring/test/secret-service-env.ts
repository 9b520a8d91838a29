import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SecretService,
  secretServiceSkipReason,
  startSecretService,
} from '@codex-oauth/test-support/secret-service';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Why this file's keyring tests cannot run here, or null. */
export const skipReason = secretServiceSkipReason();

/** A suite title that carries the skip reason when there is one. */
export const titled = (title: string) => (skipReason ? `${title} (skipped: ${skipReason})` : title);

/**
 * Starts a private Secret Service for the calling test file and points this process at it (the
 * keyring binding reads `DBUS_SESSION_BUS_ADDRESS` from the process environment). Returns a
 * getter, and a temp root for CODEX_HOMEs, both cleaned up after the file.
 */
export function useSecretService(): { service: () => SecretService; root: string } {
  let service: SecretService | undefined;
  const root = mkdtempSync(join(tmpdir(), 'codex-keyring-'));
  beforeAll(async () => {
    if (skipReason) return;
    service = await startSecretService();
    process.env.DBUS_SESSION_BUS_ADDRESS = service.address;
  });
  // The service is this file's environment, not the code under test: if gnome-keyring ever ends
  // mid-file (seen once, in a loaded CI run), say why loudly and start it again, rather than fail
  // every later test for a reason that is not ours.
  beforeEach(async () => {
    const why = await service?.ensureProvider();
    if (why) console.warn(`the test Secret Service had stopped and was restarted: ${why}`);
  });
  afterAll(async () => {
    await service?.stop();
    await rm(root, { recursive: true, force: true });
  });
  return {
    service: () => {
      if (!service) throw new Error('the Secret Service is not running');
      return service;
    },
    root,
  };
}
