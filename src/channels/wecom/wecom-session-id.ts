import { derivedIdBytes } from '../../sessions/session-secret.ts';

/**
 * One session per member of one enterprise, the same on every delivery and every node: an
 * HMAC-SHA256 under the server's session secret of the CorpID and UserID, shaped as a UUID
 * (RFC 9562 version 8, "custom"). It passes SESSION_ID_PATTERN, reveals neither, and cannot be
 * computed without the secret. (Until issue 13 it was a UUIDv5 under a namespace in the source,
 * which anyone could compute; conversations from then continue as new sessions.)
 */
export function wecomSessionId(secret: string, corpId: string, userId: string): string {
  const b = derivedIdBytes(secret, 'kefu/wecom-session', corpId, userId).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
