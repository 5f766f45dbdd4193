import path from 'node:path';
import { createPostgresAuditLog } from '../../src/audit/postgres-audit-log.ts';
import { createSqliteAuditLogStore } from '../../src/audit/sqlite-audit-log-store.ts';
import { quoteIdent } from '../../src/store/postgres/run-postgres-migrations.ts';
import { createPool } from '../../src/store/postgres/postgres-conversation-store.ts';
import { onSqliteAndPostgres } from '../support/on-sqlite-and-postgres.ts';
import { AUDIT_KEY, runAuditLogContract } from './audit-log.contract.ts';
import { tamper } from './use-audit-log.ts';

let count = 0;

await onSqliteAndPostgres('AuditLog contract', 'kefu-audit-contract-', {
  sqlite: (root) => {
    // One node's file with its head file; two logs on it are two processes of the node.
    runAuditLogContract('sqlite', async () => {
      const file = path.join(root, `audit-${++count}.db`);
      return {
        open: async ({ key = AUDIT_KEY, now } = {}) => createSqliteAuditLogStore({ path: file, key, keyedFromPath: null, ...(now === undefined ? {} : { now }) }),
        tamper: async (sql) => tamper(file, sql),
        close: async () => {},
      };
    });
  },
  postgres: (url) => {
    // A schema per backend; each log with its own pool is a node.
    runAuditLogContract('postgres', async () => {
      const schema = `kefu_audit_${process.pid}_${++count}`;
      const pools: ReturnType<typeof createPool>[] = [];
      const pool = () => {
        const p = createPool(url, 3);
        pools.push(p);
        return p;
      };
      return {
        open: async ({ key = AUDIT_KEY, now } = {}) => createPostgresAuditLog({ pool: pool(), schema, key, ...(now === undefined ? {} : { now }) }),
        tamper: async (sql) => {
          await pool().query(`SET search_path TO ${quoteIdent(schema)}; ${sql}`);
        },
        async close() {
          for (const p of pools.splice(0)) await p.end();
        },
      };
    });
  },
});
