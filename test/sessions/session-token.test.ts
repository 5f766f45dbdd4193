import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { hashSessionToken, newSessionToken } from '../../src/sessions/session-token.ts';

it('issues 256-bit base64url tokens, never the same one twice across refills of the random pool, each with its SHA-256', () => {
  const tokens = Array.from({ length: 1000 }, () => newSessionToken());
  for (const { token, hash } of tokens) {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(createHash('sha256').update(token, 'utf8').digest('hex'));
    expect(hashSessionToken(token)).toBe(hash);
  }
  expect(new Set(tokens.map((t) => t.token)).size).toBe(tokens.length);
  // No token of zeros: every byte handed out came from the OS, not from a spent part of the pool.
  expect(tokens.some((t) => Buffer.from(t.token, 'base64url').every((b) => b === 0))).toBe(false);
});
