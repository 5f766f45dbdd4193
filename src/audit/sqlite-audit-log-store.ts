import type { AuditEntry, AuditInput, AuditLog } from '../contracts/audit-log.ts';
import { createGroupCommit } from '../store/sqlite/group-commit.ts';
import { createSqliteAuditLog } from './audit-log.ts';
import type { SqliteAuditLogOptions } from './sqlite-audit-log-options.ts';
import type { SyncAuditLog } from './sync-audit-log.ts';

/** One node's audit log (`<data dir>/audit.db` and its head file) behind the async contract. */
export function createSqliteAuditLogStore(options: SqliteAuditLogOptions): AuditLog {
  return asyncAuditLog(createSqliteAuditLog(options));
}

/**
 * A synchronous log seen through the async contract: same results, errors as rejections.
 * Appends made within one turn of the event loop (concurrent customers' turns) share a commit
 * (group-commit.ts), in the order they were made; each settles once its entry is committed, and
 * everything else commits what is queued first, so it sees every append made before it.
 */
export function asyncAuditLog(log: SyncAuditLog): AuditLog {
  // One append alone is the plain one (no savepoint); its error fails it, as every member's would.
  const appends = createGroupCommit<AuditInput, AuditEntry>((inputs) => (inputs.length === 1 ? [{ ok: true, value: log.append(inputs[0]!) }] : log.appendAll(inputs)), { failFast: (run) => log.failFast(run) });
  const flushed = <T>(use: () => T): T => {
    appends.flush();
    return use();
  };
  return {
    append: (input) => appends.add(input),
    verify: async (onProgress) => flushed(() => log.verify(onProgress)),
    export: (options) => toAsync(flushed(() => log.export(options))),
    prune: async (olderThanMs) => flushed(() => log.prune(olderThanMs)),
    signedCheckpoint: async () => flushed(() => log.signedCheckpoint()),
    verifyCheckpoint: async (checkpoint) => flushed(() => log.verifyCheckpoint(checkpoint)),
    close: async () => flushed(() => log.close()),
  };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
