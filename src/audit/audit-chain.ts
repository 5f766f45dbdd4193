import { GENESIS_HASH, hashAuditEntry } from './audit-hash.ts';
import type { AuditCheckpoint, AuditEntry, AuditProblem } from './audit-types.ts';

export const GENESIS: AuditCheckpoint = { seq: 0, hash: GENESIS_HASH };

/**
 * Walks a chain entry by entry, oldest first, from a trusted start (genesis or a prune
 * checkpoint). Each entry must have the next seq (else `gap`), a hash that matches its own
 * content (else `hash_mismatch`: it was edited) and a `prevHash` equal to the previous entry's
 * hash (else `broken_link`: the previous entry was rewritten with a recomputed hash, or entries
 * were reordered). Used by the SQLite log and for exported JSONL alike.
 */
export class AuditChainWalker {
  #seq: number;
  #hash: string;
  readonly #start: AuditCheckpoint;

  constructor(start: AuditCheckpoint = GENESIS) {
    this.#start = start;
    this.#seq = start.seq;
    this.#hash = start.hash;
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
    let recomputed: string;
    try {
      recomputed = hashAuditEntry(entry);
    } catch {
      recomputed = '';
    }
    if (recomputed !== entry.hash) {
      return { seq: entry.seq, kind: 'hash_mismatch', detail: `entry ${entry.seq} does not match its hash: its content was edited` };
    }
    if (entry.prevHash !== this.#hash) {
      return { seq: entry.seq, kind: 'broken_link', detail: this.#linkDetail(entry.seq) };
    }
    this.#seq = entry.seq;
    this.#hash = entry.hash;
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
): { ok: boolean; entries: number; tail: AuditCheckpoint; problem?: AuditProblem } {
  const walker = new AuditChainWalker(start);
  let count = 0;
  for (const entry of entries) {
    count++;
    const problem = walker.check(entry);
    if (problem !== null) return { ok: false, entries: count, tail: walker.tail, problem };
  }
  return { ok: true, entries: count, tail: walker.tail };
}
