import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { createPostgresAuditLog } from '../../src/audit/postgres-audit-log.ts';
import { createSqliteAuditLogStore } from '../../src/audit/sqlite-audit-log-store.ts';
import { quoteIdent } from '../../src/store/postgres/run-postgres-migrations.ts';
import { createPool } from '../../src/store/postgres/postgres-conversation-store.ts';
import { startPostgres } from '../support/start-postgres.ts';
import { AUDIT_KEY, runAuditLogContract } from './audit-log.contract.ts';
import { tamper } from './use-audit-log.ts';

const root = mkdtempSync(path.join(tmpdir(), 'kefu-audit-contract-'));
const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (!(server instanceof Error)) await server.stop();
});
let count = 0;

// One node's file with its head file; two logs on it are two processes of the node.
runAuditLogContract('sqlite', async () => {
  const file = path.join(root, `audit-${++count}.db`);
  return {
    open: async ({ key = AUDIT_KEY, now } = {}) => createSqliteAuditLogStore({ path: file, key, keyedFromPath: null, ...(now === undefined ? {} : { now }) }),
    tamper: async (sql) => tamper(file, sql),
    close: async () => {},
  };
});

if (server instanceof Error) {
  describe('AuditLog contract: postgres', () => {
    it('starts a throwaway PostgreSQL', () => {
      throw server;
    });
  });
} else {
  // A schema per backend; each log with its own pool is a node.
  runAuditLogContract('postgres', async () => {
    const schema = `kefu_audit_${process.pid}_${++count}`;
    const pools: ReturnType<typeof createPool>[] = [];
    const pool = () => {
      const p = createPool(server.url, 3);
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
}
