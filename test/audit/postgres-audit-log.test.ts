import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresAuditLog } from '../../src/audit/postgres-audit-log.ts';
import { isKefuError } from '../../src/errors.ts';
import { createPool } from '../../src/store/postgres/postgres-conversation-store.ts';
import { quoteIdent } from '../../src/store/postgres/run-postgres-migrations.ts';
import { startPostgres } from '../support/start-postgres.ts';
import { AUDIT_KEY } from './audit-log.contract.ts';
import { sampleInput } from './use-audit-log.ts';

/** What only the PostgreSQL chain does: its head row is signed, and a bad head is never laundered. */
const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
const pools: ReturnType<typeof createPool>[] = [];
afterAll(async () => {
  for (const p of pools) await p.end();
  if (!(server instanceof Error)) await server.stop();
});
let count = 0;

describe('PostgreSQL audit chain', () => {
  const fresh = () => {
    if (server instanceof Error) throw server;
    const pool = createPool(server.url, 3);
    pools.push(pool);
    return { pool, schema: `kefu_audit_pg_${process.pid}_${++count}` };
  };

  it('keeps a head row edited outside Kefu on record through later appends', async () => {
    const { pool, schema } = fresh();
    const log = await createPostgresAuditLog({ pool, schema, key: AUDIT_KEY });
    for (let i = 0; i < 3; i++) await log.append(sampleInput(i));
    await pool.query(`UPDATE ${quoteIdent(schema)}.audit_head SET checkpoint_seq = 1 WHERE id = 1`);
    // The chat goes on (an append re-signs the head) but what it found stays, signed, in the head.
    expect((await log.append(sampleInput(3))).seq).toBe(4);
    const verified = await log.verify();
    expect(verified.ok).toBe(false);
    expect(verified.problem?.detail).toMatch(/not signed with this audit key.*found by the append of entry 4/);
    await log.close();
  });

  it('refuses to start a node whose audit key is not the one the chain is signed with', async () => {
    const { pool, schema } = fresh();
    await (await createPostgresAuditLog({ pool, schema, key: AUDIT_KEY })).append(sampleInput(0));
    const error: unknown = await createPostgresAuditLog({ pool, schema, key: Buffer.alloc(32, 9) }).then(() => null, (e: unknown) => e);
    expect(isKefuError(error) && error.code).toBe('audit_key_mismatch');
    // A reader (kefu audit verify) opens it and reports instead.
    const reader = await createPostgresAuditLog({ pool, schema, key: Buffer.alloc(32, 9), refuseForeignKey: false });
    expect(await reader.verify()).toMatchObject({ ok: false, problem: { kind: 'checkpoint_mismatch' } });
  });
});
