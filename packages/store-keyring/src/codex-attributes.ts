import { openBus, readObjectPaths } from './dbus-wire.js';

const SECRETS = 'org.freedesktop.secrets';

/**
 * Gives the Secret Service item of `service` / `account` the attributes Codex's keyring-rs gives
 * its own (`application=rust-keyring`, `service`, `target=default`, `username`): the binding
 * creates items with the last three only and cannot set the first. Best effort and bounded by
 * `timeoutMs`: Codex finds the item either way, so a failure here is not an error of the save.
 * Only when exactly one unlocked item matches (anything else is left as it is).
 */
export async function matchCodexAttributes(
  busPath: string,
  service: string,
  account: string,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  const bus = await Promise.race([openBus(busPath, timeoutMs), deadline]).catch(() => undefined);
  try {
    if (!bus) return false;
    const found = await Promise.race([
      bus.call({
        destination: SECRETS,
        path: '/org/freedesktop/secrets',
        interface: 'org.freedesktop.Secret.Service',
        member: 'SearchItems',
        args: [{ dict: { service, username: account } }],
      }),
      deadline,
    ]);
    const [unlocked] = readObjectPaths(found.body);
    const [item] = unlocked;
    if (unlocked.length !== 1 || item === undefined) return false;
    await Promise.race([
      bus.call({
        destination: SECRETS,
        path: item,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Set',
        args: [
          { s: 'org.freedesktop.Secret.Item' },
          { s: 'Attributes' },
          {
            vdict: {
              application: 'rust-keyring',
              service,
              target: 'default',
              username: account,
            },
          },
        ],
      }),
      deadline,
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    bus?.close();
  }
}
