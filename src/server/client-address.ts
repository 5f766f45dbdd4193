import { BlockList, isIP } from 'node:net';
import { KefuError } from '../errors.ts';

/**
 * KEFU_TRUSTED_PROXIES: the reverse proxies in front of Kefu. Only a request that arrives from
 * one of them has its `X-Forwarded-For` read; from anyone else the header is the client's own
 * words and is ignored, so it cannot pick its rate-limit bucket.
 */
export interface TrustedProxies {
  /** The entries as configured: addresses and CIDR ranges, IPv4 or IPv6. */
  readonly entries: readonly string[];
  trusts(address: string): boolean;
}

const invalid = (entry: string): KefuError =>
  new KefuError('invalid_config', `KEFU_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, ::1)`);

/** Parses `10.0.0.0/8, 127.0.0.1, fd00::/8`; throws invalid_config on anything else. */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const version = isIP(address);
    if (version === 0) throw invalid(entry);
    const type = version === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      list.addAddress(address, type);
      continue;
    }
    const bits = entry.slice(slash + 1);
    const prefix = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || prefix > (version === 4 ? 32 : 128)) throw invalid(entry);
    list.addSubnet(address, prefix, type);
  }
  return {
    entries: [...entries],
    // BlockList matches an IPv4-mapped IPv6 address (::ffff:10.0.0.1) against IPv4 ranges too.
    trusts: (address) => {
      const version = isIP(address);
      return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** `::ffff:1.2.3.4` is 1.2.3.4: one client, one bucket, however the socket reports it. */
function canonical(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped === null ? address : mapped[1]!;
}

/** One `X-Forwarded-For` hop as an address, or null: `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::1`. */
function hop(raw: string): string | null {
  const text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  const candidate = bracketed !== null ? bracketed[1]! : /^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text) ? text.slice(0, text.lastIndexOf(':')) : text;
  return isIP(candidate) === 0 ? null : canonical(candidate);
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy; then `X-Forwarded-For`
 * read from the right (each proxy appends the address it was connected from), skipping trusted
 * hops, and the first untrusted one is the client. A hop that is not an address ends the walk
 * at the proxy that passed it on. All trusted: the leftmost.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | readonly string[] | undefined, trusted: TrustedProxies | null): string {
  if (peer === undefined || peer === '') return 'unknown';
  let client = canonical(peer);
  if (trusted === null || forwardedFor === undefined || !trusted.trusts(client)) return client;
  const hops = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',')).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const next = hop(hops[i]!);
    if (next === null) return client;
    client = next;
    if (!trusted.trusts(client)) return client;
  }
  return client;
}
