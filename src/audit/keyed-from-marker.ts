import { readFileSync, writeFileSync } from 'node:fs';
import { macMatches, macOf } from './audit-keys.ts';

const FORMAT = 'kefu-audit-keyed-from/1';

export type KeyedFromRead = { state: 'missing' } | { state: 'invalid'; reason: string } | { state: 'ok'; keyedFrom: number };

/**
 * The signed note "this log is keyed from entry N", kept beside the audit key outside the data
 * dir. Without it, a log rewritten whole with plain hashes would look like a log from before
 * keys; with it, every entry from N on must carry the key's MAC. Written once, when a log is
 * first opened with a key (entries before N are the ones an older Kefu wrote unkeyed).
 */
export function readKeyedFrom(path: string, markerKey: Buffer): KeyedFromRead {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'invalid', reason: `${path} is unreadable` };
  }
  const v = value as { format?: unknown; keyedFrom?: unknown; mac?: unknown } | null;
  if (v === null || typeof v !== 'object' || v.format !== FORMAT || !Number.isSafeInteger(v.keyedFrom) || (v.keyedFrom as number) < 1) {
    return { state: 'invalid', reason: `${path} is not a Kefu keyed-from marker` };
  }
  if (!macMatches(markerKey, { format: FORMAT, keyedFrom: v.keyedFrom }, v.mac)) return { state: 'invalid', reason: `${path} does not match the audit key` };
  return { state: 'ok', keyedFrom: v.keyedFrom as number };
}

/** Writes the marker unless one exists (another worker was first); returns the one in force. */
export function writeKeyedFrom(path: string, keyedFrom: number, markerKey: Buffer): KeyedFromRead {
  const fields = { format: FORMAT, keyedFrom };
  try {
    writeFileSync(path, `${JSON.stringify(Object.assign({}, fields, { mac: macOf(markerKey, fields) }))}\n`, { mode: 0o600, flag: 'wx', flush: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyedFrom(path, markerKey);
}
