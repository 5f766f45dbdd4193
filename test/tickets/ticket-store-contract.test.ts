import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresTicketStore } from '../../src/tickets/postgres-ticket-store.ts';
import { createSqliteTicketStore } from '../../src/tickets/sqlite-ticket-store.ts';
import { startPostgres } from '../support/start-postgres.ts';
import { draftTicket, runTicketStoreContract } from './ticket-store.contract.ts';

const root = mkdtempSync(join(tmpdir(), 'kefu-ticket-contract-'));
let count = 0;
const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
const url = server instanceof Error ? '' : server.url;
const freshSchema = (): string => `kefu_tickets_${process.pid}_${++count}`;

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (!(server instanceof Error)) await server.stop();
});

runTicketStoreContract('sqlite', async () => createSqliteTicketStore({ path: join(root, `queue-${++count}.db`) }));

if (server instanceof Error) {
  // Only on a machine without Debian's postgresql (.ci/run installs it): a failure with the reason.
  describe('TicketStore contract: postgres', () => {
    it('starts a throwaway PostgreSQL', () => {
      throw server;
    });
  });
} else {
  runTicketStoreContract('postgres', async () => createPostgresTicketStore({ url, schema: freshSchema(), maxConnections: 4 }));

  describe('PostgreSQL ticket store', () => {
    it('creates one ticket per key when two nodes insert it at once, and both see it', async () => {
      const schema = freshSchema();
      const a = createPostgresTicketStore({ url, schema });
      const b = createPostgresTicketStore({ url, schema });
      try {
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).insert(draftTicket(7))));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(await b.list({ limit: 10 })).toEqual(await a.list({ limit: 10 }));
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('keeps its versions apart from the conversation store', async () => {
      const schema = freshSchema();
      const store = createPostgresTicketStore({ url, schema });
      const pool = new pg.Pool({ connectionString: url });
      try {
        await store.insert(draftTicket(1));
        const { rows } = await pool.query(`SELECT version, name FROM "${schema}".ticket_schema_migrations`);
        expect(rows).toEqual([{ version: 1, name: 'tickets with one row per idempotency key' }]);
      } finally {
        await store.close();
        await pool.end();
      }
    });
  });
}
