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
      return quoted(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new KefuError('invalid_audit_entry', `${value} has no JSON form`, { status: 400 });
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>, null);
    default:
      throw new KefuError('invalid_audit_entry', `a ${typeof value} has no JSON form`, { status: 400 });
  }
}

// Both helpers build the text in one pass, with no filtered, mapped or joined arrays on the way:
// hashing an entry's JSON was about a quarter of a turn's write path (issue 16). The text is the
// same as the map/join version wrote, byte for byte, or no hash already written would verify.

/** An `undefined` item is written as null; a hole in a sparse array stays empty, as `join` left it. */
function canonicalArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    const item = items[i];
    if (item !== undefined) out += canonicalJson(item);
    else if (i in items) out += 'null';
  }
  return `${out}]`;
}

/** Keys sorted by UTF-16 code units, `undefined` values and the key `skip` left out. */
function canonicalObject(record: Record<string, unknown>, skip: string | null): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || key === skip) continue;
    if (out.length > 1) out += ',';
    out += `${quoted(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/** No quote, backslash, control character or surrogate: JSON.stringify would write it as it is. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** `JSON.stringify(s)`, which costs more than this check on the short ids and keys of an entry. */
function quoted(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** The canonical JSON an entry's hash covers: every field but `hash`, without copying the entry to drop it. */
function entryJson(entry: object): string {
  return canonicalObject(entry as Record<string, unknown>, 'hash');
}

/** SHA-256 (hex) of the canonical JSON of an entry without its `hash` field: entries without `v`. */
export function hashAuditEntry(entry: object): string {
  return createHash('sha256').update(entryJson(entry), 'utf8').digest('hex');
}

/**
 * HMAC-SHA-256 (hex), under the audit key's entry key, of the same canonical JSON: entries with
 * `v: 2`. Without the key nobody can write an entry that verifies, so a rewrite of the whole chain
 * (and of the head) is caught, not only a rewrite that leaves one old link behind.
 */
export function macAuditEntry(entry: object, entryKey: Buffer): string {
  return createHmac('sha256', secretKeyOf(entryKey)).update(entryJson(entry), 'utf8').digest('hex');
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
