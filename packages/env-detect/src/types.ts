/**
 * A sign-in flow this environment supports. `browser_code` is authorization code + PKCE with a
 * loopback redirect; `device_code` is the code the user types on another device; `paste` is the
 * browser flow opened on another machine and finished by pasting the address the browser lands
 * on; `none` means nobody is there to sign in, so no flow should start on its own.
 */
export type Flow = 'browser_code' | 'device_code' | 'paste' | 'none';

/** The operating system family, from `process.platform`. Every other platform is `unknown`. */
export type Os = 'linux' | 'macos' | 'windows' | 'unknown';

/** An environment as a record of variables, like `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Everything {@link detectEnvironment} looks at. Tests pass fakes; the defaults read the real
 * process (see {@link systemProbes}). Every probe is synchronous and must not throw.
 *
 * @example
 * ```ts
 * const probes: Probes = {
 *   platform: 'linux',
 *   env: { DISPLAY: ':0', TERM: 'xterm' },
 *   isTTY: true,
 *   readFile: () => null,
 *   exists: () => false,
 * };
 * ```
 */
export interface Probes {
  /** `process.platform` or a fake such as `'darwin'`, `'win32'`, `'linux'`. */
  platform: string;
  /** The environment variables to judge. */
  env: Env;
  /** Whether a terminal is attached (default: stdin, stdout or stderr is a TTY). */
  isTTY: boolean;
  /** The text of a file, or `null` when it cannot be read. Used for `/proc/version`. */
  readFile(path: string): string | null;
  /** Whether a path exists. Used for `/.dockerenv` and `/run/.containerenv`. */
  exists(path: string): boolean;
  /**
   * Forces the interactive verdict, as the session API's `interactive` option does. `true` wins
   * even over CI (SPEC §3: "`interactive: true` proceeds"); `false` wins over a TTY.
   */
  interactive?: boolean;
}

/**
 * What {@link detectEnvironment} found and which flow fits.
 *
 * @example
 * ```ts
 * const info = detectEnvironment();
 * if (info.preferredFlow === 'none') console.error(info.reasons[0]);
 * ```
 */
export interface EnvironmentInfo {
  /** Operating system family. */
  os: Os;
  /** Running inside Windows Subsystem for Linux (and not inside a container there). */
  wsl: boolean;
  /** Running in an SSH session (`SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY`). */
  ssh: boolean;
  /** Running in a container (Docker, Podman, Kubernetes, systemd-nspawn, dev containers). */
  container: boolean;
  /** Running in a VS Code dev container or a GitHub Codespace (implies `container`). */
  devcontainer: boolean;
  /** Running under continuous integration, judged with ci-info's rules on the injected env. */
  ci: boolean;
  /** The CI vendor's name as ci-info spells it (`'GitHub Actions'`), or `null`. */
  ciName: string | null;
  /** Someone can answer a sign-in: a TTY, not CI, `TERM` not `dumb` (or the caller's override). */
  interactive: boolean;
  /** No browser on this machine can reach the user: SSH, or Linux without a display (not WSL). */
  headless: boolean;
  /** `DISPLAY` or `WAYLAND_DISPLAY` is set. */
  display: boolean;
  /** The flow to start for `flow: 'auto'`. */
  preferredFlow: Flow;
  /**
   * The flow that joins or replaces the preferred one: `device_code` on WSL (joins a stalled
   * browser), `paste` wherever `device_code` is preferred (races it, and replaces it when device
   * login is disabled), else `'none'`.
   */
  fallbackFlow: Flow;
  /** Plain sentences naming the evidence; the first one explains `preferredFlow`. Never empty. */
  reasons: string[];
}
