/**
 * A real Secret Service for tests, started headless and private to one test file: its own D-Bus
 * session bus (`dbus-daemon --session` on a socket *file*, so it is reachable from inside the
 * `unshare -n` namespaces that the real Codex CLI runs in — an abstract socket would not be) and
 * `gnome-keyring-daemon --unlock` on an empty data directory, which creates the default `login`
 * collection already unlocked. Nothing is mocked: our store and Codex talk to the same daemon.
 *
 * Debian packages: `dbus-daemon dbus-bin gnome-keyring` (`libsecret-tools` and `keyutils` for
 * the tests that look at the items and at the kernel keyring).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running private session bus, with or without a Secret Service on it. */
export interface SecretService {
  /** `DBUS_SESSION_BUS_ADDRESS` of the bus (`unix:path=…`). */
  readonly address: string;
  /**
   * The variables a client needs: `DBUS_SESSION_BUS_ADDRESS`, and a private `HOME`,
   * `XDG_DATA_HOME`, `XDG_RUNTIME_DIR` so nothing reaches the machine's own keyring.
   */
  readonly env: Record<string, string>;
  /** Locks the `login` collection (what a screen lock does); unlocking needs a prompt. */
  lock(): Promise<void>;
  /** Freezes (`SIGSTOP`) the bus daemon, so every client call blocks; `resume()` undoes it. */
  freezeBus(): void;
  /** Thaws a bus frozen by {@link SecretService.freezeBus}. */
  resume(): void;
  /** The items of `service` as `secret-tool search --all` prints them, without the secrets. */
  search(service: string): Promise<string>;
  /**
   * Restarts gnome-keyring on the same bus and data directory if it has exited, and says why it
   * had (exit code or signal, and the end of its stderr); resolves null when it is running. The
   * keyring binding keeps its bus connection, so a client goes on with the new daemon.
   */
  ensureProvider(): Promise<string | null>;
  /** Stops the daemons and removes their directory. */
  stop(): Promise<void>;
}

/** Options of {@link startSecretService}. */
export interface StartSecretServiceOptions {
  /** `false`: start the bus only, with no provider of `org.freedesktop.secrets`. Default true. */
  provider?: boolean;
}

/** Why the Secret Service tests must be skipped here, or null when they can run. */
export function secretServiceSkipReason(): string | null {
  if (process.platform !== 'linux') return `needs Linux and D-Bus (on ${process.platform})`;
  for (const [tool, pkg] of [
    ['dbus-daemon', 'dbus-daemon'],
    ['dbus-send', 'dbus-bin'],
    ['gnome-keyring-daemon', 'gnome-keyring'],
    ['secret-tool', 'libsecret-tools'],
  ] as const) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
      return `${tool} is not installed (Debian package ${pkg})`;
    }
  }
  return null;
}

/**
 * Starts a private session bus and (by default) an unlocked gnome-keyring Secret Service on it.
 * Always `stop()` it.
 *
 * @example
 * const ss = await startSecretService();
 * process.env.DBUS_SESSION_BUS_ADDRESS = ss.address;
 * try { ... } finally { await ss.stop(); }
 */
export async function startSecretService(
  options: StartSecretServiceOptions = {},
): Promise<SecretService> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-ss-'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('close', resolve));
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(dir, 'home'),
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_RUNTIME_DIR: join(dir, 'run'),
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}`,
    };
    for (const sub of [env.HOME, env.XDG_DATA_HOME, env.XDG_RUNTIME_DIR]) {
      await mkdir(sub, { recursive: true, mode: 0o700 });
    }
    // Our own config, not `--session`: the stock one lets D-Bus *activate* an installed
    // gnome-keyring on demand (with the real HOME, and no unlocked collection), so a bus that is
    // meant to have no Secret Service would grow one.
    const config = join(dir, 'bus.conf');
    await writeFile(config, busConfig(env.DBUS_SESSION_BUS_ADDRESS));
    const bus = spawn(
      'dbus-daemon',
      [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address=1'],
      { env, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(bus);
    // The daemon prints its address once it listens.
    await new Promise<void>((resolve, reject) => {
      bus.once('error', reject);
      bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
      bus.stdout?.once('data', () => resolve());
    });
    // gnome-keyring's stderr is kept (its last 4 KiB), to say why it stopped if it ever does.
    let keyring: ChildProcess | undefined;
    let keyringLog = '';
    const startKeyring = async (): Promise<void> => {
      const child = spawn(
        'gnome-keyring-daemon',
        ['--foreground', '--unlock', '--components=secrets'],
        { env, stdio: ['pipe', 'ignore', 'pipe'] },
      );
      keyringLog = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        keyringLog = (keyringLog + chunk).slice(-4096);
      });
      children.push(child);
      keyring = child;
      // The password of the `login` collection (created on the first start), read from stdin by
      // --unlock.
      child.stdin?.end('codex-oauth-test');
      await waitForOwner(env, 'org.freedesktop.secrets', child);
    };
    if (options.provider !== false) await startKeyring();
    return {
      address: env.DBUS_SESSION_BUS_ADDRESS,
      env,
      async lock() {
        await run(
          'dbus-send',
          [
            '--session',
            '--print-reply',
            '--dest=org.freedesktop.secrets',
            '/org/freedesktop/secrets',
            'org.freedesktop.Secret.Service.Lock',
            'array:objpath:/org/freedesktop/secrets/collection/login',
          ],
          { env, timeout: 5000 },
        );
      },
      freezeBus: () => bus.kill('SIGSTOP'),
      resume: () => bus.kill('SIGCONT'),
      async search(service) {
        const { stdout, stderr } = await run(
          'secret-tool',
          ['search', '--all', 'service', service],
          {
            env,
            timeout: 5000,
          },
        ).catch((error: { stdout?: string; stderr?: string }) => ({
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }));
        // The secrets themselves never reach a test's output (a failed assertion prints this).
        return `${stdout}${stderr}`
          .split('\n')
          .filter((line) => !line.startsWith('secret = '))
          .join('\n');
      },
      async ensureProvider() {
        if (!keyring || (keyring.exitCode === null && keyring.signalCode === null)) return null;
        const why = `gnome-keyring-daemon ended (${keyring.signalCode ?? `exit ${keyring.exitCode}`})${
          keyringLog.trim() ? `: ${keyringLog.trim()}` : ''
        }`;
        await startKeyring();
        return why;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A session bus on `address` with no activatable services and an open policy (tests only). */
function busConfig(address: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>${address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/** Polls `NameHasOwner` until `name` is on the bus (gnome-keyring takes about 60 ms). */
async function waitForOwner(
  env: Record<string, string>,
  name: string,
  owner: ChildProcess,
): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (owner.exitCode !== null) throw new Error(`the provider of ${name} exited early`);
    const { stdout } = await run(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { env, timeout: 5000 },
    ).catch(() => ({ stdout: '' }));
    if (/boolean true/.test(stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${name} never appeared on the test bus`);
}
