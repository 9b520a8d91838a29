import type { Env, Os, Probes } from './types.js';

/**
 * One observed fact: `found` says whether it holds and `because` is the sentence a person reads.
 * Kept internal; {@link detectEnvironment} turns these into `EnvironmentInfo.reasons`.
 */
export interface Signal {
  found: boolean;
  because: string;
}

const absent = (because = ''): Signal => ({ found: false, because });

/** A variable counts when it holds something other than whitespace. */
function isSet(env: Env, key: string): boolean {
  const value = env[key];
  return value !== undefined && value.trim() !== '';
}

/** Maps `process.platform` names to the four families the rules know. */
export function osFromPlatform(platform: string): Os {
  if (platform === 'linux') return 'linux';
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  return 'unknown';
}

/** The loopback callback listens on this machine; a browser on the SSH client cannot reach it. */
export function sshSignal(env: Env): Signal {
  const key = ['SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY'].find((k) => isSet(env, k));
  return key
    ? { found: true, because: `${key} is set: a browser on this machine cannot reach you` }
    : absent();
}

/** Dev containers (VS Code) and Codespaces; they are containers too. */
export function devcontainerSignal(env: Env): Signal {
  if (isSet(env, 'CODESPACES')) {
    return {
      found: true,
      because:
        'CODESPACES is set: this is a GitHub Codespace; a browser page cannot reach its loopback port unless VS Code forwards it',
    };
  }
  if (isSet(env, 'REMOTE_CONTAINERS')) {
    return {
      found: true,
      because:
        'REMOTE_CONTAINERS is set: this is a VS Code dev container; a browser outside cannot reach its loopback port unless VS Code forwards it',
    };
  }
  return absent();
}

/** Docker, Podman, systemd-nspawn and Kubernetes leave these marks inside their containers. */
export function containerSignal(probes: Pick<Probes, 'env' | 'exists'>): Signal {
  const outside = 'a browser outside cannot reach its loopback port';
  if (probes.exists('/.dockerenv')) {
    return { found: true, because: `/.dockerenv exists: this is a Docker container; ${outside}` };
  }
  if (probes.exists('/run/.containerenv')) {
    return {
      found: true,
      because: `/run/.containerenv exists: this is a Podman container; ${outside}`,
    };
  }
  if (isSet(probes.env, 'container')) {
    return {
      found: true,
      because: `container=${probes.env.container} is set: this is a container; ${outside}`,
    };
  }
  if (isSet(probes.env, 'KUBERNETES_SERVICE_HOST')) {
    return {
      found: true,
      because: `KUBERNETES_SERVICE_HOST is set: this is a Kubernetes pod; ${outside}`,
    };
  }
  return absent();
}

/**
 * WSL sets `WSL_DISTRO_NAME` and `WSL_INTEROP` in login shells; `/proc/version` names the
 * Microsoft kernel even where those are stripped (sudo, systemd services). The kernel string alone
 * is also what a Docker Desktop container sees, which is why containers are judged first.
 */
export function wslSignal(probes: Pick<Probes, 'env' | 'readFile'>, os: Os): Signal {
  if (os !== 'linux') return absent();
  const tail = 'Windows can open a browser for you, with device code as the fallback';
  for (const key of ['WSL_DISTRO_NAME', 'WSL_INTEROP']) {
    if (isSet(probes.env, key)) {
      return { found: true, because: `${key} is set: this is WSL; ${tail}` };
    }
  }
  if (wslKernel(probes)) {
    return { found: true, because: `/proc/version names a Microsoft kernel: this is WSL; ${tail}` };
  }
  return absent();
}

/** Whether `/proc/version` names the WSL kernel (`microsoft` or `WSL`, any case). */
function wslKernel(probes: Pick<Probes, 'readFile'>): boolean {
  const version = probes.readFile('/proc/version');
  return version !== null && /microsoft|wsl/i.test(version);
}

/** X11 sets `DISPLAY`, Wayland sets `WAYLAND_DISPLAY`; either means a browser window can open. */
export function displaySignal(env: Env): Signal {
  for (const key of ['WAYLAND_DISPLAY', 'DISPLAY']) {
    if (isSet(env, key)) {
      return { found: true, because: `${key} is set: a browser can open on this desktop` };
    }
  }
  return absent(
    'Neither DISPLAY nor WAYLAND_DISPLAY is set: no browser can open here, so use device code',
  );
}
