import type { AuditLog } from '../contracts/audit-log.ts';
import { createSqliteAuditLog } from './audit-log.ts';
import type { SqliteAuditLogOptions } from './sqlite-audit-log-options.ts';
import type { SyncAuditLog } from './sync-audit-log.ts';

/** One node's audit log (`<data dir>/audit.db` and its head file) behind the async contract. */
export function createSqliteAuditLogStore(options: SqliteAuditLogOptions): AuditLog {
  return asyncAuditLog(createSqliteAuditLog(options));
}

/** A synchronous log seen through the async contract: same results, errors as rejections. */
export function asyncAuditLog(log: SyncAuditLog): AuditLog {
  return {
    append: async (input) => log.append(input),
    verify: async (onProgress) => log.verify(onProgress),
    export: (options) => toAsync(log.export(options)),
    prune: async (olderThanMs) => log.prune(olderThanMs),
    signedCheckpoint: async () => log.signedCheckpoint(),
    verifyCheckpoint: async (checkpoint) => log.verifyCheckpoint(checkpoint),
    close: async () => log.close(),
  };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
