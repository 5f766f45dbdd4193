import { createHash } from 'node:crypto';

/** The UUID namespace of Kefu's WeCom sessions (itself a random UUID, fixed forever). */
const NAMESPACE = Buffer.from('6f1c2a4e5b7d4e0f9a3c8b1d2e4f6a70', 'hex');

/**
 * One session per member of one enterprise, the same on every delivery and every process: a
 * UUIDv5 (RFC 9562) of the CorpID and UserID. It passes SESSION_ID_PATTERN and reveals neither.
 */
export function wecomSessionId(corpId: string, userId: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${corpId}\n${userId}`, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
