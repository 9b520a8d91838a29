import { describe, expect, it } from 'vitest';
import { detectEnvironment, type EnvironmentInfo, type Flow } from '../src/index.js';
import { fakeProbes } from './fake-probes.js';

const sshDesktop = {
  platform: 'linux',
  env: { SSH_CONNECTION: '1 2 3 4', DISPLAY: ':0', TERM: 'xterm' },
  isTTY: true,
  readFile: () => null,
  exists: () => false,
};

describe('acceptance checks (SPEC §8)', () => {
  it('SSH with a display answers device_code with a reason naming SSH', () => {
    const info = detectEnvironment(sshDesktop);
    expect(info.preferredFlow).toBe('device_code');
    expect(info.fallbackFlow).toBe('paste');
    expect(info.reasons[0]).toMatch(/SSH_CONNECTION/);
    expect(info.reasons.at(-1)).toMatch(/paste the address it lands on/);
  });

  it('the same without SSH answers browser_code', () => {
    const { SSH_CONNECTION: _, ...env } = sshDesktop.env;
    const info = detectEnvironment({ ...sshDesktop, env });
    expect(info.preferredFlow).toBe('browser_code');
    expect(info.reasons[0]).toMatch(/DISPLAY/);
  });

  it('with CI=true answers none', () => {
    const info = detectEnvironment({ ...sshDesktop, env: { ...sshDesktop.env, CI: 'true' } });
    expect(info.preferredFlow).toBe('none');
    expect(info.ci).toBe(true);
    expect(info.interactive).toBe(false);
    expect(info.reasons[0]).toMatch(/\bCI\b/);
  });

  it('with WSL_DISTRO_NAME answers browser_code with a device_code fallback', () => {
    const { SSH_CONNECTION: _, DISPLAY: __, ...env } = sshDesktop.env;
    const info = detectEnvironment({ ...sshDesktop, env: { ...env, WSL_DISTRO_NAME: 'Ubuntu' } });
    expect(info.preferredFlow).toBe('browser_code');
    expect(info.fallbackFlow).toBe('device_code');
    expect(info.wsl).toBe(true);
    expect(info.headless).toBe(false);
    expect(info.reasons[0]).toMatch(/WSL_DISTRO_NAME/);
  });
});

interface Row {
  name: string;
  probes: Parameters<typeof fakeProbes>[0];
  flow: Flow;
  fallback?: Flow;
  reason: RegExp;
  expect?: Partial<EnvironmentInfo>;
}

const wslKernel = 'Linux version 5.15.167.4-microsoft-standard-WSL2 (root@host) #1 SMP';

const rows: Row[] = [
  {
    name: 'no TTY is non-interactive',
    probes: { isTTY: false, env: { TERM: 'xterm', DISPLAY: ':0' } },
    flow: 'none',
    reason: /No terminal/,
    expect: { interactive: false, ci: false },
  },
  {
    name: 'TERM=dumb is non-interactive',
    probes: { env: { TERM: 'dumb', DISPLAY: ':0' } },
    flow: 'none',
    reason: /TERM is dumb/,
    expect: { interactive: false },
  },
  {
    name: 'an unset TERM is no evidence (Windows consoles never set it)',
    probes: { platform: 'win32', env: {} },
    flow: 'browser_code',
    reason: /Windows/,
    expect: { interactive: true, os: 'windows' },
  },
  {
    name: 'CI=false is not CI',
    probes: { env: { TERM: 'xterm', CI: 'false', DISPLAY: ':0' } },
    flow: 'browser_code',
    reason: /DISPLAY/,
    expect: { ci: false, ciName: null, interactive: true },
  },
  {
    name: 'CI=false switches vendor detection off too, as in ci-info',
    probes: { env: { TERM: 'xterm', CI: 'false', GITHUB_ACTIONS: 'true', DISPLAY: ':0' } },
    flow: 'browser_code',
    reason: /DISPLAY/,
    expect: { ci: false, ciName: null },
  },
  {
    name: 'GITHUB_ACTIONS is CI named GitHub Actions',
    probes: { env: { TERM: 'xterm', GITHUB_ACTIONS: 'true' } },
    flow: 'none',
    reason: /GITHUB_ACTIONS is set: this is a CI run \(GitHub Actions\)/,
    expect: { ci: true, ciName: 'GitHub Actions', interactive: false },
  },
  {
    name: 'BUILDKITE is CI named Buildkite',
    probes: { env: { TERM: 'xterm', BUILDKITE: 'true' } },
    flow: 'none',
    reason: /BUILDKITE/,
    expect: { ci: true, ciName: 'Buildkite' },
  },
  {
    name: 'GITLAB_CI is CI named GitLab CI',
    probes: { env: { TERM: 'xterm', GITLAB_CI: 'true', CI: 'true' } },
    flow: 'none',
    reason: /GitLab CI/,
    expect: { ci: true, ciName: 'GitLab CI' },
  },
  {
    name: 'interactive: true wins over CI (SPEC §3)',
    probes: { env: { TERM: 'xterm', CI: 'true', DISPLAY: ':0' }, interactive: true },
    flow: 'browser_code',
    reason: /DISPLAY/,
    expect: { ci: true, interactive: true },
  },
  {
    name: 'interactive: false wins over a TTY',
    probes: { platform: 'darwin', interactive: false },
    flow: 'none',
    reason: /interactive: false was passed/,
    expect: { interactive: false },
  },
  {
    name: 'SSH_CLIENT means SSH',
    probes: { platform: 'darwin', env: { TERM: 'xterm', SSH_CLIENT: '10.0.0.1 5000 22' } },
    flow: 'device_code',
    reason: /SSH_CLIENT is set: a browser on this machine cannot reach you/,
    expect: { ssh: true, headless: true, os: 'macos' },
  },
  {
    name: 'SSH_TTY means SSH, even on WSL',
    probes: { env: { TERM: 'xterm', SSH_TTY: '/dev/pts/1', WSL_DISTRO_NAME: 'Ubuntu' } },
    flow: 'device_code',
    reason: /SSH_TTY/,
    expect: { ssh: true, wsl: true },
  },
  {
    name: 'Docker (/.dockerenv) answers device_code',
    probes: { paths: ['/.dockerenv'], env: { TERM: 'xterm', DISPLAY: ':0' } },
    flow: 'device_code',
    reason: /\/\.dockerenv exists: this is a Docker container/,
    expect: { container: true, devcontainer: false },
  },
  {
    name: 'Podman (/run/.containerenv) answers device_code',
    probes: { paths: ['/run/.containerenv'] },
    flow: 'device_code',
    reason: /\/run\/\.containerenv exists: this is a Podman container/,
    expect: { container: true },
  },
  {
    name: 'the container variable answers device_code',
    probes: { env: { TERM: 'xterm', container: 'systemd-nspawn' } },
    flow: 'device_code',
    reason: /container=systemd-nspawn is set/,
    expect: { container: true },
  },
  {
    name: 'Kubernetes answers device_code',
    probes: { env: { TERM: 'xterm', KUBERNETES_SERVICE_HOST: '10.96.0.1' } },
    flow: 'device_code',
    reason: /KUBERNETES_SERVICE_HOST is set: this is a Kubernetes pod/,
    expect: { container: true },
  },
  {
    name: 'a VS Code dev container is a container: device_code',
    probes: { paths: ['/.dockerenv'], env: { TERM: 'xterm', REMOTE_CONTAINERS: 'true' } },
    flow: 'device_code',
    reason: /REMOTE_CONTAINERS is set: this is a VS Code dev container/,
    expect: { container: true, devcontainer: true },
  },
  {
    name: 'a Codespace is a container: device_code',
    probes: { env: { TERM: 'xterm', CODESPACES: 'true' } },
    flow: 'device_code',
    reason: /CODESPACES is set: this is a GitHub Codespace/,
    expect: { container: true, devcontainer: true },
  },
  {
    name: 'a container on a WSL kernel reports the container, not WSL',
    probes: { paths: ['/.dockerenv'], files: { '/proc/version': wslKernel } },
    flow: 'device_code',
    reason: /Docker container/,
    expect: { container: true, wsl: false },
  },
  {
    name: 'WSL from /proc/version alone',
    probes: { files: { '/proc/version': wslKernel } },
    flow: 'browser_code',
    fallback: 'device_code',
    reason: /\/proc\/version names a Microsoft kernel: this is WSL/,
    expect: { wsl: true, headless: false, display: false },
  },
  {
    name: 'WSL from WSL_INTEROP',
    probes: { env: { TERM: 'xterm', WSL_INTEROP: '/run/WSL/8_interop' } },
    flow: 'browser_code',
    fallback: 'device_code',
    reason: /WSL_INTEROP/,
    expect: { wsl: true },
  },
  {
    name: 'a Microsoft kernel string on macOS is not WSL',
    probes: { platform: 'darwin', files: { '/proc/version': wslKernel } },
    flow: 'browser_code',
    reason: /Running on macOS/,
    expect: { wsl: false, os: 'macos', headless: false },
  },
  {
    name: 'macOS answers browser_code',
    probes: { platform: 'darwin' },
    flow: 'browser_code',
    reason: /Running on macOS: a browser opens on this desktop/,
    expect: { os: 'macos' },
  },
  {
    name: 'Windows answers browser_code',
    probes: { platform: 'win32' },
    flow: 'browser_code',
    reason: /Running on Windows/,
    expect: { os: 'windows', headless: false },
  },
  {
    name: 'Linux with WAYLAND_DISPLAY answers browser_code',
    probes: { env: { TERM: 'xterm', WAYLAND_DISPLAY: 'wayland-0' } },
    flow: 'browser_code',
    reason: /WAYLAND_DISPLAY is set/,
    expect: { display: true, headless: false },
  },
  {
    name: 'Linux without a display answers device_code',
    probes: { env: { TERM: 'xterm', DISPLAY: '  ' } },
    flow: 'device_code',
    reason: /Neither DISPLAY nor WAYLAND_DISPLAY is set/,
    expect: { display: false, headless: true },
  },
  {
    name: 'an unknown platform answers device_code',
    probes: { platform: 'freebsd', env: { TERM: 'xterm', DISPLAY: ':0' } },
    flow: 'device_code',
    reason: /Platform freebsd is not one we know/,
    expect: { os: 'unknown' },
  },
];

describe('detectEnvironment rules, first match wins', () => {
  it.each(rows)('$name', (row) => {
    const info = detectEnvironment(fakeProbes(row.probes));
    expect(info.preferredFlow).toBe(row.flow);
    // Wherever the device code is preferred, the pasted redirect is its fallback.
    expect(info.fallbackFlow).toBe(row.fallback ?? (row.flow === 'device_code' ? 'paste' : 'none'));
    expect(info.reasons[0]).toMatch(row.reason);
    expect(info).toMatchObject(row.expect ?? {});
    for (const reason of info.reasons) expect(reason).toMatch(/^\S.*[^.\s]$/);
  });

  it('lists the evidence that did not decide after the one that did', () => {
    const info = detectEnvironment(
      fakeProbes({ env: { TERM: 'xterm', CI: 'true', SSH_CONNECTION: '1 2 3 4' } }),
    );
    expect(info.reasons[0]).toMatch(/^CI is set/);
    expect(info.reasons).toContainEqual(expect.stringMatching(/^SSH_CONNECTION is set/));
  });

  it('says why WSL signs were ignored inside a container', () => {
    const info = detectEnvironment(
      fakeProbes({ paths: ['/.dockerenv'], files: { '/proc/version': wslKernel } }),
    );
    expect(info.reasons).toContainEqual(expect.stringMatching(/WSL signs are ignored/));
  });

  it('says when the caller forced interactive over CI', () => {
    const info = detectEnvironment(
      fakeProbes({ env: { TERM: 'xterm', GITHUB_ACTIONS: 'true' }, interactive: true }),
    );
    expect(info.reasons.at(-1)).toMatch(/interactive: true was passed.*GitHub Actions/);
  });

  it('reads the real process when no probes are given, and answers a complete record', () => {
    const info = detectEnvironment();
    expect(['linux', 'macos', 'windows', 'unknown']).toContain(info.os);
    expect(['browser_code', 'device_code', 'none']).toContain(info.preferredFlow);
    expect(info.reasons.length).toBeGreaterThan(0);
  });
});
