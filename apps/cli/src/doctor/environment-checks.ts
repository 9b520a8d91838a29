import { browserOpener, detectEnvironment, type EnvironmentInfo } from '@codex-oauth/env-detect';
import type { Flags } from '../args.js';
import { type Check, check } from './check.js';

type Env = Readonly<Record<string, string | undefined>>;

function where(info: EnvironmentInfo): string {
  const parts: string[] = [info.os];
  if (info.wsl) parts.push('WSL');
  if (info.ssh) parts.push('SSH');
  if (info.devcontainer) parts.push('dev container');
  else if (info.container) parts.push('container');
  if (info.ci) parts.push(info.ciName ? `CI (${info.ciName})` : 'CI');
  parts.push(info.display ? 'display' : 'no display');
  parts.push(info.interactive ? 'interactive' : 'not interactive');
  return parts.join(', ');
}

const PASTE_DETAIL =
  'Paste: the browser lands on http://127.0.0.1:1455/auth/callback?code=… (an error page when it ' +
  'runs elsewhere); copy that address and paste it at the prompt, or run ssh -L 1455:127.0.0.1:1455';

/**
 * The environment and the sign-in flow it leads to, with env-detect's reasons, and how a browser
 * would be opened here (`BROWSER` first).
 */
export function environmentChecks(env: Env, flags: Flags): Check[] {
  const info = detectEnvironment({ env });
  const requested = flags.flow ?? 'auto';
  const checks: Check[] = [];
  const flowName = (flow: string) =>
    flow === 'browser_code' ? 'browser' : flow === 'device_code' ? 'device code' : flow;
  if (requested === 'paste') {
    checks.push(
      check(
        'environment',
        'Environment',
        'ok',
        `${where(info)}; --flow paste requested: the link opens on any machine, then its address is pasted here`,
        [...info.reasons, PASTE_DETAIL],
      ),
    );
  } else if (requested !== 'auto') {
    checks.push(
      check(
        'environment',
        'Environment',
        'ok',
        `${where(info)}; --flow ${requested} requested`,
        info.reasons,
      ),
    );
  } else if (info.preferredFlow === 'none') {
    checks.push(
      check(
        'environment',
        'Environment',
        'warn',
        `${where(info)}: "codex-oauth login" will not start a sign-in on its own`,
        info.reasons,
        'Run it in a terminal, or choose a flow: codex-oauth login --flow device (or --flow paste, reading the address from stdin)',
      ),
    );
  } else if (info.fallbackFlow === 'paste') {
    checks.push(
      check(
        'environment',
        'Environment',
        'ok',
        `${where(info)}: signs in with the device code, the browser link (pasted back, or through ssh -L) beside it; the link alone if device login is disabled`,
        [...info.reasons, PASTE_DETAIL],
      ),
    );
  } else {
    const fallback =
      info.fallbackFlow !== 'none' ? `, falling back to ${flowName(info.fallbackFlow)}` : '';
    checks.push(
      check(
        'environment',
        'Environment',
        'ok',
        `${where(info)}: signs in with the ${flowName(info.preferredFlow)} flow${fallback}`,
        info.reasons,
      ),
    );
  }
  const usesBrowser =
    requested === 'browser' || (requested === 'auto' && info.preferredFlow === 'browser_code');
  const opener = browserOpener(info, env, 'https://example.invalid/');
  if (opener && !env.BROWSER && info.headless) {
    // xdg-open is installed on many servers and containers, but with no display (or over SSH)
    // it has nowhere to show a browser the user can see: finding it is not a pass. A BROWSER
    // command is the user's own choice (a terminal browser works without a display): trusted.
    const why = info.ssh
      ? 'this is an SSH session: a browser it opens would be on this machine, not yours'
      : 'no display here (DISPLAY and WAYLAND_DISPLAY are unset)';
    checks.push(
      check(
        'browser',
        'Browser opener',
        usesBrowser ? 'warn' : 'info',
        `${opener.command} found, but not usable: ${why}`,
        [],
        'Sign in with the device code (codex-oauth login --flow device), or open the link on another machine and paste the address back (--flow paste)',
      ),
    );
  } else if (opener) {
    const via = env.BROWSER ? ' (from BROWSER)' : '';
    checks.push(check('browser', 'Browser opener', 'ok', `${opener.command}${via}`));
  } else {
    checks.push(
      check(
        'browser',
        'Browser opener',
        usesBrowser ? 'warn' : 'info',
        'none found: the sign-in link is printed to open by hand',
        [],
        'Set BROWSER to a browser command, or install xdg-utils (wslu on WSL)',
      ),
    );
  }
  return checks;
}
