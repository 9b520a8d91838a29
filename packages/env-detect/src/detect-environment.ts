import { type CiVerdict, detectCi } from './ci.js';
import {
  containerSignal,
  devcontainerSignal,
  displaySignal,
  osFromPlatform,
  type Signal,
  sshSignal,
  wslSignal,
} from './signals.js';
import { systemProbes } from './system-probes.js';
import type { EnvironmentInfo, Flow, Probes } from './types.js';

/**
 * Works out where this process runs and which sign-in flow fits, with the reasons. Pure over the
 * probes: pass fakes in tests, or nothing to read the real process. Missing probes fall back one
 * by one to {@link systemProbes}.
 *
 * Rules (SPEC §8), first match wins:
 *
 * | # | condition | preferred | fallback |
 * |---|---|---|---|
 * | 1 | not interactive (no TTY, CI, `TERM=dumb`, or `interactive: false`) | `none` | `none` |
 * | 2 | SSH session | `device_code` | `paste` |
 * | 3 | container (incl. dev container, Codespace) | `device_code` | `paste` |
 * | 4 | WSL | `browser_code` | `device_code` |
 * | 5 | macOS or Windows | `browser_code` | `none` |
 * | 6 | Linux with `DISPLAY`/`WAYLAND_DISPLAY` | `browser_code` | `none` |
 * | 7 | anything else | `device_code` | `paste` |
 *
 * Wherever the device code is preferred, the browser on this machine cannot reach the user, so
 * the fallback is `paste`: the browser link opened on any machine, finished by pasting the address
 * it lands on. It races the device code, and replaces it where device login is disabled.
 *
 * @example
 * ```ts
 * const info = detectEnvironment({
 *   platform: 'linux',
 *   env: { SSH_CONNECTION: '1 2 3 4', DISPLAY: ':0', TERM: 'xterm' },
 *   isTTY: true,
 *   readFile: () => null,
 *   exists: () => false,
 * });
 * info.preferredFlow; // 'device_code'
 * info.reasons[0]; // 'SSH_CONNECTION is set: a browser on this machine cannot reach you'
 * ```
 */
export function detectEnvironment(probes: Partial<Probes> = {}): EnvironmentInfo {
  const p = resolveProbes(probes);
  const os = osFromPlatform(p.platform);
  const ciVerdict = detectCi(p.env);
  const ssh = sshSignal(p.env);
  const dev = devcontainerSignal(p.env);
  const box = containerSignal(p);
  const wslSeen = wslSignal(p, os);
  const display = displaySignal(p.env);

  const container = box.found || dev.found;
  // A container on a WSL 2 host (Docker Desktop) sees the Microsoft kernel too: report the container.
  const wsl = wslSeen.found && !container;
  const headless = ssh.found || (os === 'linux' && !wsl && !display.found);
  const gate = interactivity(p, ciVerdict);

  let preferredFlow: Flow;
  let fallbackFlow: Flow = 'none';
  let decisive: Signal;
  if (!gate.interactive) {
    preferredFlow = 'none';
    decisive = { found: true, because: gate.because };
  } else if (ssh.found) {
    preferredFlow = 'device_code';
    decisive = ssh;
  } else if (container) {
    preferredFlow = 'device_code';
    decisive = dev.found ? dev : box;
  } else if (wsl) {
    preferredFlow = 'browser_code';
    fallbackFlow = 'device_code';
    decisive = wslSeen;
  } else if (os === 'macos' || os === 'windows') {
    preferredFlow = 'browser_code';
    const name = os === 'macos' ? 'macOS' : 'Windows';
    decisive = { found: true, because: `Running on ${name}: a browser opens on this desktop` };
  } else if (os === 'linux') {
    preferredFlow = display.found ? 'browser_code' : 'device_code';
    decisive = display;
  } else {
    preferredFlow = 'device_code';
    decisive = {
      found: true,
      because: `Platform ${p.platform} is not one we know: device code works anywhere`,
    };
  }

  const reasons = [decisive.because];
  // WSL evidence is not a note inside a container: the sentence below explains why it is ignored.
  const notes: Signal[] = container ? [ssh, dev, box] : [ssh, wslSeen];
  if (os === 'linux' && !wsl) notes.push(display);
  for (const note of notes) {
    if (note.found && note !== decisive && !reasons.includes(note.because)) {
      reasons.push(note.because);
    }
  }
  if (container && wslSeen.found) {
    reasons.push('WSL signs are ignored inside a container: it shares the WSL host kernel');
  }
  // The device code can be switched off per workspace; say what happens then.
  if (preferredFlow === 'device_code') {
    fallbackFlow = 'paste';
    reasons.push(PASTE_REASON);
  }
  if (gate.note) reasons.push(gate.note);

  return {
    os,
    wsl,
    ssh: ssh.found,
    container,
    devcontainer: dev.found,
    ci: ciVerdict.ci,
    ciName: ciVerdict.ciName,
    interactive: gate.interactive,
    headless,
    display: display.found,
    preferredFlow,
    fallbackFlow,
    reasons,
  };
}

const PASTE_REASON =
  'The browser link works too, opened on any machine: paste the address it lands on ' +
  '(it replaces the device code where device login is disabled)';

function resolveProbes(probes: Partial<Probes>): Probes {
  const complete =
    probes.platform !== undefined &&
    probes.env !== undefined &&
    probes.isTTY !== undefined &&
    probes.readFile !== undefined &&
    probes.exists !== undefined;
  // Only touch the real process for the probes the caller left out.
  if (complete) return probes as Probes;
  const system = systemProbes();
  return {
    platform: probes.platform ?? system.platform,
    env: probes.env ?? system.env,
    isTTY: probes.isTTY ?? system.isTTY,
    readFile: probes.readFile ?? system.readFile,
    exists: probes.exists ?? system.exists,
    ...(probes.interactive === undefined ? {} : { interactive: probes.interactive }),
  };
}

interface Interactivity {
  interactive: boolean;
  /** Why not interactive (the decisive reason when it is not). */
  because: string;
  /** An extra sentence when the caller's override decided. */
  note?: string;
}

/**
 * A TTY, not CI, and `TERM` not `dumb`. An unset `TERM` is no evidence: Windows consoles never set
 * it. The caller's override wins over everything, CI included (SPEC §3).
 */
function interactivity(p: Probes, ci: CiVerdict): Interactivity {
  const ciText = ci.ciName ? `this is a CI run (${ci.ciName})` : 'this is a CI run';
  if (p.interactive === false) {
    return { interactive: false, because: 'interactive: false was passed: no sign-in starts' };
  }
  if (p.interactive === true) {
    const why = ci.ci ? ` even though ${ciText} (${ci.evidence} is set)` : '';
    return {
      interactive: true,
      because: '',
      note: `interactive: true was passed: a sign-in may start${why}`,
    };
  }
  if (ci.ci) {
    return {
      interactive: false,
      because: `${ci.evidence} is set: ${ciText}, where nobody can answer a sign-in`,
    };
  }
  if (p.env.TERM === 'dumb') {
    return {
      interactive: false,
      because: 'TERM is dumb: this terminal cannot hold a sign-in, so none starts',
    };
  }
  if (!p.isTTY) {
    return {
      interactive: false,
      because: 'No terminal is attached (stdin, stdout and stderr): nobody can answer a sign-in',
    };
  }
  return { interactive: true, because: '' };
}
