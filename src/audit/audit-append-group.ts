import type Database from 'better-sqlite3';
import type { AuditEntry, AuditInput } from '../contracts/audit-log.ts';
import { commitGroup, runMembers, runPlainly, type GroupOutcome } from '../store/sqlite/group-commit.ts';
import { normaliseAuditInput } from './audit-entry.ts';
import type { AuditHeadState } from './head-file.ts';

/** What of the log its append transactions use. */
export interface AppendParts {
  head(): AuditHeadState;
  /** One entry made now and inserted after `previous`, audit_head left as it is; with the time (ms) it was made at. */
  insert(clean: AuditInput, previous: { seq: number; hash: string }): { entry: AuditEntry; at: number };
  setHead(seq: number, hash: string, at: number): void;
  mirror(before: AuditHeadState, after: AuditHeadState, when: string): void;
}

type GroupTransaction<R> = Database.Transaction<(inputs: readonly AuditInput[], mirror: boolean) => R>;

/**
 * `one`: an entry appended after the head, audit_head moved to it, the head file rewritten
 * (`mirror`), in one transaction. `group` (`appendAll`): each input appended in order, then the
 * head file rewritten once for the group, before the commit. The group runs first plainly
 * (`commitGroup`): audit_head read once and written once, each entry linked to the one before it
 * in memory, no savepoint per entry (per entry, a SAVEPOINT, a RELEASE, a read and a write of
 * audit_head were issue 16's waste). If an input fails, the group runs again with each input in
 * its own savepoint (`one`, nested): the one that fails is rolled back alone and takes no seq.
 */
export function appendTransactions(db: Database.Database, parts: AppendParts) {
  const one = db.transaction((clean: AuditInput, mirror: boolean) => {
    const head = parts.head();
    const { entry, at } = parts.insert(clean, head);
    parts.setHead(entry.seq, entry.hash, at);
    if (mirror) parts.mirror(head, Object.assign({}, head, { seq: entry.seq, hash: entry.hash }), `the append of entry ${entry.seq} at ${entry.at}`);
    return entry;
  });
  const plain: GroupTransaction<AuditEntry[]> = db.transaction((inputs, mirror) => {
    const before = parts.head();
    let tail: { seq: number; hash: string } = before;
    let at = 0;
    const entries = runPlainly(db, inputs, (input) => {
      const written = parts.insert(normaliseAuditInput(input), tail);
      tail = written.entry;
      at = written.at;
      return written.entry;
    });
    if (entries.length > 0) parts.setHead(tail.seq, tail.hash, at);
    mirrorGroup(parts, before, entries, mirror);
    return entries;
  });
  const withSavepoints: GroupTransaction<GroupOutcome<AuditEntry>[]> = db.transaction((inputs, mirror) => {
    const before = parts.head();
    const outcomes = runMembers(db, inputs, (input) => one(normaliseAuditInput(input), false));
    mirrorGroup(parts, before, outcomes.flatMap((o) => (o.ok ? [o.value] : [])), mirror);
    return outcomes;
  });
  const group = (inputs: readonly AuditInput[], mirror: boolean): GroupOutcome<AuditEntry>[] =>
    commitGroup(() => plain.immediate(inputs, mirror), () => withSavepoints.immediate(inputs, mirror));
  return { one, group };
}

function mirrorGroup(parts: AppendParts, before: AuditHeadState, written: readonly AuditEntry[], mirror: boolean): void {
  const first = written[0];
  const last = written.at(-1);
  if (mirror && first !== undefined && last !== undefined) {
    const entries = first === last ? `entry ${first.seq}` : `entries ${first.seq}–${last.seq}`;
    parts.mirror(before, Object.assign({}, before, { seq: last.seq, hash: last.hash }), `the append of ${entries} at ${last.at}`);
  }
}
