import type { GroupOutcome } from '../store/sqlite/group-commit.ts';
import type { AuditCheckpoint, AuditEntry, AuditInput, AuditProblem, AuditVerification, SignedAuditCheckpoint } from '../contracts/audit-log.ts';

/**
 * The SQLite audit log as it is: synchronous, since better-sqlite3 is. `createSqliteAuditLogStore`
 * puts it behind the async `AuditLog` contract for the server; tests and benchmarks use it directly.
 */
export interface SyncAuditLog {
  /** Synchronous and atomic (`BEGIN IMMEDIATE`); safe across processes sharing one file. */
  append(input: AuditInput): AuditEntry;
  /**
   * Appends in order in one transaction (one commit), as if each were in its own savepoint (the
   * group is run again with savepoints when one fails: audit-append-group.ts): an input that
   * fails is rolled back and reported alone, the others get their entries. Throws when nothing
   * could be committed.
   */
  appendAll(inputs: readonly AuditInput[]): GroupOutcome<AuditEntry>[];
  /** `run` with a write lock held by another process failing at once (SQLITE_BUSY), not waited for. */
  failFast<T>(run: () => T): T;
  verify(onProgress?: (done: number, total: number) => void): AuditVerification;
  export(options?: { fromSeq?: number; toSeq?: number }): Iterable<AuditEntry>;
  prune(olderThanMs: number): { removed: number; checkpoint: AuditCheckpoint | null };
  signedCheckpoint(): SignedAuditCheckpoint | null;
  verifyCheckpoint(checkpoint: unknown): AuditProblem | null;
  close(): void;
}
