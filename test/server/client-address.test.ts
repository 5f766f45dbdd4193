import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from '../../src/server/client-address.ts';

describe('clientAddress', () => {
  const lb = parseTrustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('without trusted proxies X-Forwarded-For is ignored', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', null)).toBe('127.0.0.1');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.7', null)).toBe('127.0.0.1');
  });

  it('from an untrusted peer a spoofed header is ignored', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.7', lb)).toBe('198.51.100.9');
  });

  it('from a trusted proxy the rightmost untrusted hop is the client, whatever the client prepended', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', lb)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '1.1.1.1, 203.0.113.7, 10.1.2.3', lb)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', ['6.6.6.6', '203.0.113.7'], lb)).toBe('203.0.113.7');
    expect(clientAddress('fd00::1', '[2001:db8::5]:443', lb)).toBe('2001:db8::5');
    expect(clientAddress('127.0.0.1', '203.0.113.7:5555', lb)).toBe('203.0.113.7');
  });

  it('garbage ends the walk at the proxy that passed it on; all trusted is the leftmost', () => {
    expect(clientAddress('127.0.0.1', 'not-an-ip, 10.0.0.9', lb)).toBe('10.0.0.9');
    expect(clientAddress('127.0.0.1', '10.0.0.8, 10.0.0.9', lb)).toBe('10.0.0.8');
    expect(clientAddress('127.0.0.1', '', lb)).toBe('127.0.0.1');
    expect(clientAddress(undefined, '1.2.3.4', lb)).toBe('unknown');
  });

  it('refuses entries that are not addresses or ranges', () => {
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.0/', '::1/129', '10.0.0.0/8x', '']) expect(() => parseTrustedProxies([bad])).toThrow(/KEFU_TRUSTED_PROXIES/);
  });
});
