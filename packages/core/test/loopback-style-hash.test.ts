import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STYLE, STYLE_HASH } from '../src/loopback/loopback-pages.js';

// The loopback pages' CSP allows their one inline style by hash. The hash is written out (so that
// importing core loads no node:crypto); this keeps it equal to the style it allows.
describe('the loopback pages style hash', () => {
  it("is the SHA-256 of the pages' style", () => {
    expect(STYLE_HASH).toBe(createHash('sha256').update(STYLE).digest('base64'));
  });
});
