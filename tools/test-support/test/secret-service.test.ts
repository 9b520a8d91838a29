import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { secretServiceSkipReason, startSecretService } from '../src/secret-service.js';

const run = promisify(execFile);
const skip = secretServiceSkipReason();

/** `secret-tool` against the given bus: store one item, or look it up. */
const tool = (env: Record<string, string>, args: string[], input?: string) => {
  const child = run('secret-tool', args, { env, timeout: 5000 });
  if (input !== undefined) child.child.stdin?.end(input);
  return child;
};

describe.skipIf(skip)(`secret-service harness${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('starts an unlocked Secret Service on a private bus, locks it, and stops without a trace', async () => {
    const ss = await startSecretService();
    try {
      expect(ss.address).toMatch(/^unix:path=\//);
      await tool(ss.env, ['store', '--label=probe', 'service', 'probe-svc', 'username', 'u'], 'v');
      expect((await tool(ss.env, ['lookup', 'service', 'probe-svc', 'username', 'u'])).stdout).toBe(
        'v',
      );
      const found = await ss.search('probe-svc');
      expect(found).toContain('attribute.username = u');
      expect(found).not.toMatch(/^secret = /m); // the secrets stay out of test output
      await ss.lock();
      await expect(
        tool(ss.env, ['lookup', 'service', 'probe-svc', 'username', 'u']),
      ).rejects.toThrow();
    } finally {
      await ss.stop();
    }
    expect(existsSync(ss.address.slice('unix:path='.length))).toBe(false);
  });

  it('ensureProvider starts gnome-keyring again after it ended, keeping what it stored', async () => {
    const ss = await startSecretService();
    try {
      expect(await ss.ensureProvider()).toBeNull();
      await tool(ss.env, ['store', '--label=probe', 'service', 'again-svc', 'username', 'u'], 'v');
      // This service's daemon only (others may run beside it): the bus knows its pid.
      const { stdout } = await run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.GetConnectionUnixProcessID',
          'string:org.freedesktop.secrets',
        ],
        { env: ss.env, timeout: 5000 },
      );
      const pid = Number(/uint32 (\d+)/.exec(stdout)?.[1]);
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      // Until the harness has seen the daemon's exit (an event, so poll it; 5 s at most).
      let why: string | null = null;
      for (let i = 0; i < 100 && why === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        why = await ss.ensureProvider();
      }
      expect(why).toMatch(/gnome-keyring-daemon ended \(SIGKILL\)/);
      expect((await tool(ss.env, ['lookup', 'service', 'again-svc', 'username', 'u'])).stdout).toBe(
        'v',
      );
    } finally {
      await ss.stop();
    }
  });

  it('without a provider, nothing owns org.freedesktop.secrets (no D-Bus activation)', async () => {
    const ss = await startSecretService({ provider: false });
    try {
      const { stdout } = await run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.secrets',
        ],
        { env: ss.env, timeout: 5000 },
      );
      expect(stdout).toContain('boolean false');
      await expect(tool(ss.env, ['search', 'service', 'x'])).rejects.toThrow();
    } finally {
      await ss.stop();
    }
  });
});
