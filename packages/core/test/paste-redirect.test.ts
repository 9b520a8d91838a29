import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import {
  cleanPaste,
  RedirectRejectedError,
  type RedirectRejection,
  readPastedRedirect,
} from '../src/session/paste-redirect.js';

const STATE = 'Zq3cN1x8Yh0pU2s6R4b7W9e5T1a3D8f0G2h4J6k8L0m';
const CODE = 'ac_0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f6a7b8';
const URL_ = `http://127.0.0.1:1455/auth/callback?code=${CODE}&scope=openid+profile&state=${STATE}`;

function reason(text: string): RedirectRejection | 'accepted' {
  try {
    readPastedRedirect(text, STATE);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(RedirectRejectedError);
    expect((error as RedirectRejectedError).code).toBe(ErrorCodes.REDIRECT_REJECTED);
    expect((error as Error).cause).toBeDefined();
    return (error as RedirectRejectedError).reason;
  }
}

describe('what a person may paste', () => {
  it.each([
    ['the full address', URL_],
    ['the address in double quotes', `"${URL_}"`],
    ['the address in single quotes with spaces around', `  '${URL_}'  `],
    ['the address in angle brackets (mail clients)', `<${URL_}>`],
    [
      'the address wrapped over three lines',
      `${URL_.slice(0, 40)}\n${URL_.slice(40, 90)}\r\n${URL_.slice(90)}`,
    ],
    [
      'the address with spaces a terminal inserted',
      URL_.replace('&scope', ' &scope').replace('state=', 'state= '),
    ],
    ['the address without http://', URL_.replace('http://', '')],
    ['the localhost form', URL_.replace('127.0.0.1', 'localhost')],
    ['the query string', `?code=${CODE}&state=${STATE}`],
    ['the query string without ?', `code=${CODE}&state=${STATE}`],
    ['a bracketed paste from a terminal', `\u001b[200~${URL_}\u001b[201~`],
    ['a fragment after the query', `${URL_}#`],
  ])('%s is read', (_name, text) => {
    expect(readPastedRedirect(text, STATE)).toEqual({ kind: 'code', code: CODE });
  });

  it('an error redirect with our state is read as the refusal it is', () => {
    const denied = `http://127.0.0.1:1455/auth/callback?error=access_denied&error_description=missing_codex_entitlement&state=${STATE}`;
    expect(readPastedRedirect(denied, STATE)).toEqual({
      kind: 'error',
      error: 'access_denied',
      description: 'missing_codex_entitlement',
    });
  });

  it.each<[string, string, RedirectRejection]>([
    ['nothing', '   \n ', 'empty'],
    ['empty quotes', '""', 'empty'],
    ['a lone code (state could not be checked)', CODE, 'bare_code'],
    [
      'the sign-in link itself',
      `https://auth.openai.com/oauth/authorize?response_type=code&code_challenge=x&state=${STATE}`,
      'authorize_url',
    ],
    [
      'a code without its state (cut at a line break)',
      `http://127.0.0.1:1455/auth/callback?code=${CODE}&scope=openid`,
      'incomplete',
    ],
    ['a state cut short', URL_.slice(0, -10), 'incomplete'],
    ['an address cut before its query', 'http://127.0.0.1:1455/auth/call', 'incomplete'],
    ['another sign-in’s state', URL_.replace(STATE, `x${STATE.slice(1)}`), 'state_mismatch'],
    [
      'our state without a code',
      `http://127.0.0.1:1455/auth/callback?state=${STATE}`,
      'incomplete',
    ],
    ['some other web page', 'https://example.com/some/page', 'not_a_redirect'],
    ['words', 'I could not find it', 'not_a_redirect'],
    ['an address whose path has =', 'https://example.com/a=b', 'not_a_redirect'],
    ['something huge', `code=${'a'.repeat(20_000)}&state=${STATE}`, 'not_a_redirect'],
  ])('%s is refused', (_name, text, why) => {
    expect(reason(text)).toBe(why);
  });

  it('never quotes the pasted text in the message', () => {
    for (const text of [URL_.replace(STATE, 'other-state-value'), CODE, `code=${CODE}`]) {
      try {
        readPastedRedirect(text, STATE);
      } catch (error) {
        const shown = `${(error as Error).message} ${JSON.stringify(error)}`;
        expect(shown).not.toContain(CODE);
        expect(shown).not.toContain('other-state-value');
      }
    }
  });

  it('cleanPaste drops quotes, whitespace and paste markers only', () => {
    expect(cleanPaste(' "a b\nc" ')).toBe('abc');
    expect(cleanPaste('\u001b[200~x=1\u001b[201~')).toBe('x=1');
  });
});
