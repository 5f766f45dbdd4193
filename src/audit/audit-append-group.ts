import type Database from 'better-sqlite3';
import type { AuditEntry, AuditInput } from '../contracts/audit-log.ts';
import { runMembers, type GroupOutcome } from '../store/sqlite/group-commit.ts';
import { normaliseAuditInput } from './audit-entry.ts';
import type { AuditHeadState } from './head-file.ts';

/** What of the log the group's transaction uses: its head, one entry's append (a transaction: nested, a savepoint), the head-file rewrite. */
export interface AppendGroupParts {
  head(): AuditHeadState;
  append(clean: AuditInput): AuditEntry;
  mirror(before: AuditHeadState, after: AuditHeadState, when: string): void;
}

/**
 * `appendAll`'s transaction: each input appended in order in its own savepoint (one that fails
 * is rolled back alone and takes no seq), then the head file rewritten once for the group, as a
 * single append rewrites it for its entry, before the commit.
 */
export function appendGroupTransaction(db: Database.Database, parts: AppendGroupParts): Database.Transaction<(inputs: readonly AuditInput[], mirror: boolean) => GroupOutcome<AuditEntry>[]> {
  return db.transaction((inputs: readonly AuditInput[], mirror: boolean) => {
    const before = parts.head();
    const outcomes = runMembers(db, inputs, (input) => parts.append(normaliseAuditInput(input)));
    const written = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
    const first = written[0];
    const last = written.at(-1);
    if (mirror && first !== undefined && last !== undefined) {
      const entries = first === last ? `entry ${first.seq}` : `entries ${first.seq}–${last.seq}`;
      parts.mirror(before, { ...before, seq: last.seq, hash: last.hash }, `the append of ${entries} at ${last.at}`);
    }
    return outcomes;
  });
}
