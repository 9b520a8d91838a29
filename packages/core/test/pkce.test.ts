import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generatePkce, generateState, pkceChallenge } from '../src/protocol/pkce.js';

describe('pkce', () => {
  it('computes the RFC 7636 appendix B S256 challenge', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes a 43-character base64url verifier whose challenge matches', async () => {
    const pair = await generatePkce();
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await pkceChallenge(pair.verifier)).toBe(pair.challenge);
  });

  it('hides the verifier from inspect and JSON', async () => {
    const pair = await generatePkce();
    expect(inspect(pair)).not.toContain(pair.verifier);
    expect(JSON.stringify(pair)).not.toContain(pair.verifier);
    const { verifier } = pair;
    expect(verifier).toHaveLength(43);
  });

  it('makes fresh verifiers and 43-character states', async () => {
    const [a, b] = await Promise.all([generatePkce(), generatePkce()]);
    expect(a.verifier).not.toBe(b.verifier);
    const state = generateState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateState()).not.toBe(state);
  });
});
