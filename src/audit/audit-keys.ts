import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { KefuError } from '../errors.ts';
import { canonicalJson, secretKeyOf } from './audit-hash.ts';

/**
 * The audit key (KEFU_AUDIT_KEY, or `audit.key` in the data dir's key folder outside it) split
 * by HKDF into one key per use, so a MAC made for one thing (an entry) is never valid as another
 * (a head file, a checkpoint).
 */
export interface AuditKeys {
  entry: Buffer;
  head: Buffer;
  checkpoint: Buffer;
  marker: Buffer;
}

export function deriveAuditKeys(secret: Buffer): AuditKeys {
  if (!Buffer.isBuffer(secret) || secret.length !== 32) {
    throw new KefuError('invalid_config', 'The audit key must be 32 bytes: set KEFU_AUDIT_KEY to 64 hex characters', { status: 500 });
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'kefu-audit', info, 32));
  return { entry: derive('entry mac'), head: derive('head file mac'), checkpoint: derive('checkpoint mac'), marker: derive('keyed-from marker mac') };
}

/** HMAC-SHA-256 (hex) of the canonical JSON of `value`. */
export function macOf(key: Buffer, value: unknown): string {
  return createHmac('sha256', secretKeyOf(key)).update(canonicalJson(value), 'utf8').digest('hex');
}

/** Constant-time comparison of a MAC given (hex, maybe malformed) with the one computed. */
export function macMatches(key: Buffer, value: unknown, given: unknown): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(macOf(key, value), 'hex'), Buffer.from(given, 'hex'));
}
