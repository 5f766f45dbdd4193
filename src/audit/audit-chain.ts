import { GENESIS_HASH, hashAuditEntry, macAuditEntry } from './audit-hash.ts';
import type { AuditCheckpoint, AuditEntry, AuditProblem } from '../contracts/audit-log.ts';

export const GENESIS: AuditCheckpoint = { seq: 0, hash: GENESIS_HASH };

/**
 * Walks a chain entry by entry, oldest first, from a trusted start (genesis or a prune
 * checkpoint). Each entry must have the next seq (else `gap`), a hash that matches its own
 * content (else `hash_mismatch`: it was edited) and a `prevHash` equal to the previous entry's
 * hash (else `broken_link`: the previous entry was rewritten with a recomputed hash, or entries
 * were reordered). Used by the SQLite log and for exported JSONL alike.
 *
 * Keyed entries (`v: 2`) are checked against their MAC under the audit key. A plain entry is
 * accepted only before the log was keyed: not after a keyed one, and not from `keyedFrom` on (the
 * signed marker outside the data dir says where), so a chain rewritten whole with plain hashes by
 * someone without the key fails instead of passing as a log from before keys.
 */
export class AuditChainWalker {
  #seq: number;
  #hash: string;
  #keyed = false;
  readonly #start: AuditCheckpoint;
  readonly #entryKey: Buffer | null;
  readonly #keyedFrom: number;

  constructor(start: AuditCheckpoint = GENESIS, keying: { entryKey: Buffer | null; keyedFrom?: number } = { entryKey: null }) {
    this.#start = start;
    this.#seq = start.seq;
    this.#hash = start.hash;
    this.#entryKey = keying.entryKey;
    this.#keyedFrom = keying.keyedFrom ?? Number.POSITIVE_INFINITY;
  }

  /** The last entry accepted, or the start. */
  get tail(): AuditCheckpoint {
    return { seq: this.#seq, hash: this.#hash };
  }

  /** Null if the entry extends the chain (and becomes its tail), else the problem. */
  check(entry: AuditEntry): AuditProblem | null {
    const expected = this.#seq + 1;
    if (entry.seq !== expected) {
      if (Number.isSafeInteger(entry.seq) && entry.seq > expected) {
        const range = entry.seq - expected > 1 ? `entries ${expected}–${entry.seq - 1} are` : `entry ${expected} is`;
        return { seq: expected, kind: 'gap', detail: `${range} missing: the next entry is ${entry.seq}` };
      }
      return { seq: expected, kind: 'gap', detail: `found entry ${String(entry.seq)} where entry ${expected} was expected: entries are out of order` };
    }
    const keyed = entry.v !== undefined;
    if (keyed && entry.v !== 2) return { seq: entry.seq, kind: 'hash_mismatch', detail: `entry ${entry.seq} has an unknown version ${String(entry.v)}: it was edited` };
    if (keyed && this.#entryKey === null) {
      return { seq: entry.seq, kind: 'hash_mismatch', detail: `entry ${entry.seq} is signed with the audit key, which this check does not have: set KEFU_AUDIT_KEY, or KEFU_KEY_DIR to the folder holding audit.key` };
    }
    if (!keyed && (this.#keyed || entry.seq >= this.#keyedFrom)) {
      const from = this.#keyed ? 'after keyed entries' : `though the log is keyed from entry ${this.#keyedFrom}`;
      return { seq: entry.seq, kind: 'unkeyed_entry', detail: `entry ${entry.seq} has a plain hash, not the audit key's MAC, ${from}: the chain was rewritten by someone without the key` };
    }
    let recomputed: string;
    try {
      recomputed = keyed ? macAuditEntry(entry, this.#entryKey!) : hashAuditEntry(entry);
    } catch {
      recomputed = '';
    }
    if (recomputed !== entry.hash) {
      const what = keyed ? 'its MAC under the audit key' : 'its hash';
      return { seq: entry.seq, kind: 'hash_mismatch', detail: `entry ${entry.seq} does not match ${what}: its content was edited` };
    }
    if (entry.prevHash !== this.#hash) {
      return { seq: entry.seq, kind: 'broken_link', detail: this.#linkDetail(entry.seq) };
    }
    this.#seq = entry.seq;
    this.#hash = entry.hash;
    this.#keyed ||= keyed;
    return null;
  }

  #linkDetail(seq: number): string {
    const previous = seq - 1;
    if (previous === 0) return `prevHash of entry 1 is not the genesis hash`;
    if (previous === this.#start.seq) {
      return `prevHash of entry ${seq} does not match the checkpoint of pruned entry ${previous}: the checkpoint or entry ${seq} was rewritten`;
    }
    return `prevHash of entry ${seq} does not match the hash of entry ${previous}: entry ${previous} was rewritten (with a recomputed hash) or entries were reordered`;
  }
}

/** Checks a whole sequence of entries (an export, say); `tail` is where a valid chain ends. */
export function verifyAuditEntries(
  entries: Iterable<AuditEntry>,
  start: AuditCheckpoint = GENESIS,
  keying?: { entryKey: Buffer | null; keyedFrom?: number },
): { ok: boolean; entries: number; tail: AuditCheckpoint; problem?: AuditProblem } {
  const walker = new AuditChainWalker(start, keying);
  let count = 0;
  for (const entry of entries) {
    count++;
    const problem = walker.check(entry);
    if (problem !== null) return { ok: false, entries: count, tail: walker.tail, problem };
  }
  return { ok: true, entries: count, tail: walker.tail };
}
