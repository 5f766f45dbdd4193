import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteAuditLog } from '../audit/audit-log.ts';
import { loadAuditKeying } from '../audit/load-audit-key.ts';
import { createPostgresAuditLog } from '../audit/postgres-audit-log.ts';
import { asyncAuditLog } from '../audit/sqlite-audit-log-store.ts';
import { clusterKey } from '../config/cluster-key.ts';
import type { KefuConfig } from '../config/load-config.ts';
import type { AuditLog } from '../contracts/audit-log.ts';
import { KefuError } from '../errors.ts';
import { createPool } from '../store/postgres/postgres-conversation-store.ts';

/** Which log `kefu audit` works on: `--db <file>`, else the cluster's chain, else the data dir's. */
export interface CommandAuditLogOptions {
  db?: string;
  /** False: ignore `<db>.head` (a copied database). */
  headFile?: boolean;
}

/**
 * The audit log for a command, by the same rules as `createKefu`: with KEFU_DATABASE_URL the
 * cluster's one chain in PostgreSQL (every node's entries; KEFU_AUDIT_KEY required), else
 * `<data dir>/audit.db`. A reader: it writes no keyed-from marker, and a chain signed with another
 * key is reported by verify rather than refused. The caller closes it.
 */
export async function openCommandAuditLog(config: KefuConfig, options: CommandAuditLogOptions): Promise<AuditLog> {
  if (options.db === undefined && config.databaseUrl !== null) return openClusterLog(config.databaseUrl, config.auditKey);
  const file = options.db === undefined ? path.join(config.dataDir, 'audit.db') : path.resolve(options.db);
  if (!existsSync(file)) throw new KefuError('audit_log_missing', `no audit log at ${file}`, { status: 404 });
  // Opening runs the audit migrations; a mistyped --db must not grow audit tables in another database.
  const probe = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const found = probe.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entries'").get();
    if (found === undefined) throw new KefuError('audit_log_missing', `${file} is not a Kefu audit log`, { status: 404 });
  } finally {
    probe.close();
  }
  // The key: KEFU_AUDIT_KEY, or audit.key in the key folder of the data dir the database is in.
  const keying = loadAuditKeying(config.auditKey, { dataDir: path.dirname(file), keyDir: config.keyDir }, false);
  const headFile = options.headFile === undefined ? {} : { headFile: options.headFile };
  return asyncAuditLog(createSqliteAuditLog({ path: file, ...headFile, ...keying, writeKeyedFrom: false }));
}

async function openClusterLog(url: string, configuredKey: string | null): Promise<AuditLog> {
  const key = clusterKey(configuredKey, 'KEFU_AUDIT_KEY');
  const pool = createPool(url, 2);
  try {
    const log = await createPostgresAuditLog({ pool, key, refuseForeignKey: false });
    return {
      append: (input) => log.append(input),
      verify: (onProgress) => log.verify(onProgress),
      export: (range) => log.export(range),
      prune: (olderThanMs) => log.prune(olderThanMs),
      signedCheckpoint: () => log.signedCheckpoint(),
      verifyCheckpoint: (checkpoint) => log.verifyCheckpoint(checkpoint),
      async close() {
        await log.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
