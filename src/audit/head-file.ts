import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { KefuError } from '../errors.ts';
import { macMatches, macOf } from './audit-keys.ts';
import type { AuditProblem } from '../contracts/audit-log.ts';

const FORMAT = 'kefu-audit-head/1';
/** The same fields and a MAC under the audit key's head key: nobody without the key can write one. */
const SIGNED_FORMAT = 'kefu-audit-head/2';

/** The head and checkpoint of the log, as the database's `audit_head` row holds them. */
export interface AuditHeadState {
  seq: number;
  hash: string;
  checkpointSeq: number;
  checkpointHash: string;
}

/** The sidecar `<db>.head`: a copy of the head outside the database file. */
export interface HeadAnchor extends AuditHeadState {
  /**
   * The first disagreement an append or prune found between this file and the database. It is
   * carried into every later version of the file (Kefu never clears it), so appending more
   * entries cannot hide a truncation; verification reports it.
   */
  mismatch: AuditProblem | null;
}

/** `signed`: the file carries a MAC that `headKey` confirmed (false without a key to check it). */
export type HeadFileRead = { state: 'missing' } | { state: 'unreadable'; reason: string } | { state: 'ok'; anchor: HeadAnchor; signed: boolean };

export function readHeadFile(path: string, headKey: Buffer | null = null): HeadFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'unreadable', reason: err instanceof Error ? err.message : String(err) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { state: 'unreadable', reason: 'not a Kefu audit head file' };
  }
  const anchor = parseAnchor(value);
  if (anchor === null) return { state: 'unreadable', reason: 'not a Kefu audit head file' };
  const { format, mac } = value as { format: string; mac?: unknown };
  if (format !== SIGNED_FORMAT || headKey === null) return { state: 'ok', anchor, signed: false };
  if (!macMatches(headKey, { format, ...anchor }, mac)) return { state: 'unreadable', reason: 'its signature does not match the audit key: it was written without the key' };
  return { state: 'ok', anchor, signed: true };
}

/** Writes the whole file (signed with `headKey`) under a temporary name, then renames it over the old one. */
export function writeHeadFile(path: string, anchor: HeadAnchor, headKey: Buffer | null = null): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fields = { format: headKey === null ? FORMAT : SIGNED_FORMAT, ...anchor };
  const content = headKey === null ? fields : Object.assign({}, fields, { mac: macOf(headKey, fields) });
  try {
    writeFileSync(temporary, `${JSON.stringify(content)}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw new KefuError('audit_head_write_failed', `could not write the audit head file ${path}`, { status: 500, cause });
  }
}

/**
 * Null if the file agrees with the database, else what disagrees. With `hashAt` (the hash the log
 * holds for an entry), a file behind the head that names an entry still in the chain, with the
 * same checkpoint, is a lag, not a disagreement: a head file written after a delay lags the log
 * by the appends since, and after a crash by the appends it never caught up with.
 */
export function anchorProblem(file: AuditHeadState, db: AuditHeadState, hashAt?: (seq: number) => string | null): AuditProblem | null {
  const lagging =
    hashAt !== undefined && file.seq < db.seq && file.seq >= db.checkpointSeq && file.checkpointSeq === db.checkpointSeq && file.checkpointHash === db.checkpointHash && hashAt(file.seq) === file.hash;
  if (lagging) return null;
  if (file.seq !== db.seq || file.hash !== db.hash) {
    if (file.seq > db.seq) {
      return {
        seq: db.seq + 1,
        kind: 'checkpoint_mismatch',
        detail: `the head file records entry ${file.seq} but the log ends at entry ${db.seq}: entries were removed from the end, the database was restored from an older copy, or the last appends were lost in a crash`,
      };
    }
    if (file.seq < db.seq) {
      return {
        seq: file.seq + 1,
        kind: 'checkpoint_mismatch',
        detail: `the log's head is entry ${db.seq} but the head file records entry ${file.seq}: entries were added outside Kefu, or the head file was replaced by an older copy`,
      };
    }
    return { seq: db.seq, kind: 'checkpoint_mismatch', detail: `the head file and the log disagree on the hash of entry ${db.seq}: the end of the log was rewritten` };
  }
  if (file.checkpointSeq !== db.checkpointSeq || file.checkpointHash !== db.checkpointHash) {
    return {
      seq: Math.min(file.checkpointSeq, db.checkpointSeq) + 1,
      kind: 'checkpoint_mismatch',
      detail: `the log says entries up to ${db.checkpointSeq} were pruned but the head file says up to ${file.checkpointSeq}: entries were deleted from the start outside Kefu, or the checkpoint was rewritten`,
    };
  }
  return null;
}

function parseAnchor(value: unknown): HeadAnchor | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const count = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  const hex = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
  if ((v['format'] !== FORMAT && v['format'] !== SIGNED_FORMAT) || !count(v['seq']) || !hex(v['hash']) || !count(v['checkpointSeq']) || !hex(v['checkpointHash'])) return null;
  const m = v['mismatch'];
  let mismatch: AuditProblem | null = null;
  if (m !== null) {
    if (typeof m !== 'object' || m === undefined) return null;
    const p = m as Record<string, unknown>;
    if (!count(p['seq']) || p['kind'] !== 'checkpoint_mismatch' || typeof p['detail'] !== 'string') return null;
    mismatch = { seq: p['seq'], kind: 'checkpoint_mismatch', detail: p['detail'] };
  }
  return { seq: v['seq'], hash: v['hash'], checkpointSeq: v['checkpointSeq'], checkpointHash: v['checkpointHash'], mismatch };
}
