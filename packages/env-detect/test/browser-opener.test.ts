import { describe, expect, it } from 'vitest';
import {
  browserOpener,
  escapeForCmd,
  quoteForPowerShell,
  splitCommandLine,
  type Which,
} from '../src/index.js';

const linux = { os: 'linux', wsl: false } as const;
const wsl = { os: 'linux', wsl: true } as const;
const macos = { os: 'macos', wsl: false } as const;
const windows = { os: 'windows', wsl: false } as const;

const url = 'https://auth.example/oauth/authorize?a=1&b=2';
/** A URL with every character cmd.exe or PowerShell would misread. */
const nasty = `https://auth.example/p a'th?x=1&y=^2|3<4>5&q="quoted"&pct=%PATH%`;

/** A fake `which` that knows exactly the listed commands. */
const only =
  (...known: string[]): Which =>
  (command) =>
    known.includes(command) ? `/usr/bin/${command}` : null;

describe('browserOpener argv', () => {
  it('BROWSER with arguments appends the URL as the last argument', () => {
    const env = { BROWSER: 'firefox --new-window' };
    expect(browserOpener(linux, env, url, only('firefox'))).toEqual({
      command: 'firefox',
      args: ['--new-window', url],
    });
  });

  it('BROWSER with %s puts the URL in its place, as one argument', () => {
    const env = { BROWSER: `"/opt/My Browser/run" --url=%s --flag` };
    expect(browserOpener(linux, env, nasty, only())).toEqual({
      command: '/opt/My Browser/run',
      args: [`--url=${nasty}`, '--flag'],
    });
  });

  it('BROWSER with %s keeps `$&` in a URL literal', () => {
    const dollar = 'https://auth.example/?a=$&b=$1';
    expect(browserOpener(linux, { BROWSER: 'b %s' }, dollar, only('b'))?.args).toEqual([dollar]);
  });

  it('a BROWSER list picks the first entry on PATH', () => {
    const env = { BROWSER: 'missing-browser:chromium --incognito' };
    expect(browserOpener(linux, env, url, only('chromium'))).toEqual({
      command: 'chromium',
      args: ['--incognito', url],
    });
  });

  it('BROWSER wins over WSL, macOS and Windows openers', () => {
    for (const info of [wsl, macos, windows]) {
      expect(browserOpener(info, { BROWSER: 'mine' }, url, only())?.command).toBe('mine');
    }
  });

  it('WSL prefers wslview', () => {
    const which = only('wslview', 'powershell.exe', 'cmd.exe');
    expect(browserOpener(wsl, {}, url, which)).toEqual({ command: 'wslview', args: [url] });
  });

  it('WSL without wslview uses powershell.exe Start-Process with single quotes doubled', () => {
    expect(browserOpener(wsl, {}, nasty, only('powershell.exe', 'cmd.exe'))).toEqual({
      command: 'powershell.exe',
      args: [
        '-NoProfile',
        '-Command',
        "Start-Process 'https://auth.example/p%20a''th?x=1&y=^2|3%3C4%3E5&q=%22quoted%22&pct=%PATH%'",
      ],
    });
  });

  it('WSL with only cmd.exe caret-escapes &, ^, |, <, >, % and encodes spaces and quotes', () => {
    expect(browserOpener(wsl, {}, nasty, only('cmd.exe'))).toEqual({
      command: 'cmd.exe',
      args: [
        '/c',
        'start',
        "https://auth.example/p^%20a'th?x=1^&y=^^2^|3^%3C4^%3E5^&q=^%22quoted^%22^&pct=^%PATH^%",
      ],
    });
  });

  it('WSL falls back to the Windows tools by absolute path when PATH lacks them', () => {
    const ps = '/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe';
    expect(browserOpener(wsl, {}, url, only(ps))?.command).toBe(ps);
  });

  it('WSL with no Windows tools at all has no opener', () => {
    expect(browserOpener(wsl, {}, url, only('xdg-open'))).toBeNull();
  });

  it('macOS uses open', () => {
    expect(browserOpener(macos, {}, url, only())).toEqual({ command: 'open', args: [url] });
  });

  it('Windows uses cmd.exe /c start with the URL caret-escaped', () => {
    expect(browserOpener(windows, {}, url, only())).toEqual({
      command: 'cmd.exe',
      args: ['/c', 'start', 'https://auth.example/oauth/authorize?a=1^&b=2'],
    });
  });

  it('Linux uses xdg-open when it is on PATH, and nothing otherwise', () => {
    expect(browserOpener(linux, {}, url, only('xdg-open'))).toEqual({
      command: 'xdg-open',
      args: [url],
    });
    expect(browserOpener(linux, {}, url, only())).toBeNull();
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'not a url', ''])(
    'refuses %j: nothing but http(s) is opened',
    (bad) => {
      expect(browserOpener(linux, { BROWSER: 'b' }, bad, only('b'))).toBeNull();
    },
  );
});

describe('command-line helpers', () => {
  it('splitCommandLine honours quotes and backslashes without expanding anything', () => {
    expect(splitCommandLine(`a 'b c' "d \\"e\\"" f\\ g $HOME ''`)).toEqual([
      'a',
      'b c',
      'd "e"',
      'f g',
      '$HOME',
      '',
    ]);
  });

  it('escapeForCmd escapes every cmd.exe metacharacter with a caret', () => {
    expect(escapeForCmd('a&b^c|d<e>f(g)h%i!j"k')).toBe('a^&b^^c^|d^<e^>f^(g^)h^%i^!j^"k');
  });

  it('quoteForPowerShell doubles straight and typographic single quotes', () => {
    expect(quoteForPowerShell("it’s o'k")).toBe("'it’’s o''k'");
  });
});
