import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { KefuError } from '../errors.ts';

/** The `prevHash` of the first entry ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, strings escaped and
 * finite numbers written exactly as `JSON.stringify` does, properties whose value is `undefined`
 * left out. For JSON values these are the rules of RFC 8785 (JCS), so another implementation can
 * recompute an exported entry's hash. Non-finite numbers, functions, symbols and bigints throw.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new KefuError('invalid_audit_entry', `${value} has no JSON form`, { status: 400 });
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v: unknown) => canonicalJson(v ?? null)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new KefuError('invalid_audit_entry', `a ${typeof value} has no JSON form`, { status: 400 });
  }
}

/** SHA-256 (hex) of the canonical JSON of an entry without its `hash` field: entries without `v`. */
export function hashAuditEntry(entry: object): string {
  const fields = { ...(entry as Record<string, unknown>), hash: undefined };
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
}

/**
 * HMAC-SHA-256 (hex), under the audit key's entry key, of the same canonical JSON: entries with
 * `v: 2`. Without the key nobody can write an entry that verifies, so a rewrite of the whole chain
 * (and of the head) is caught, not only a rewrite that leaves one old link behind.
 */
export function macAuditEntry(entry: object, entryKey: Buffer): string {
  const fields = { ...(entry as Record<string, unknown>), hash: undefined };
  return createHmac('sha256', secretKeyOf(entryKey)).update(canonicalJson(fields), 'utf8').digest('hex');
}

const secretKeys = new WeakMap<Buffer, KeyObject>();

/** The key as a KeyObject, made once per key: an HMAC from raw bytes imports them again each time (one per append). */
export function secretKeyOf(key: Buffer): KeyObject {
  let made = secretKeys.get(key);
  if (made === undefined) {
    made = createSecretKey(key);
    secretKeys.set(key, made);
  }
  return made;
}
