import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/contracts/conversation-store.ts';
import { isKefuError } from '../../src/errors.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import {
  createPostgresConversationStore,
  type PostgresConversationStoreOptions,
} from '../../src/store/postgres/postgres-conversation-store.ts';
import { runPostgresMigrations } from '../../src/store/postgres/run-postgres-migrations.ts';
import { sqliteMigrations, type Migration } from '../../src/store/sqlite/migrations.ts';
import { startPostgres } from '../support/start-postgres.ts';
import { runConversationStoreContract } from './conversation-store.contract.ts';

// One throwaway cluster for the file; every test gets a schema of its own, so tests never see
// each other's rows and the suite also runs against a shared KEFU_TEST_DATABASE_URL.
const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
const url = server instanceof Error ? '' : server.url;
// Without a server the tests below cannot run; 'starts a throwaway PostgreSQL' fails instead.
const run = server instanceof Error ? describe.skip : describe;
let schemaCount = 0;
const freshSchema = (): string => `kefu_test_${process.pid}_${++schemaCount}`;

afterAll(async () => {
  if (!(server instanceof Error)) await server.stop();
});

if (server instanceof Error) {
  // Only on a machine without Debian's postgresql (.ci/run installs it): a failure with the reason.
  describe('PostgreSQL conversation store', () => {
    it('starts a throwaway PostgreSQL', () => {
      throw server;
    });
  });
} else {
  runConversationStoreContract('postgres', async () => createPostgresConversationStore({ url, schema: freshSchema(), maxConnections: 4 }));
}

run('PostgreSQL conversation store', () => {
  const open: ConversationStore[] = [];
  const pools: pg.Pool[] = [];
  const openStore = async (options: Partial<PostgresConversationStoreOptions> & { schema: string }, migrate = true) => {
    const store = createPostgresConversationStore({ url, maxConnections: 4, ...options } as PostgresConversationStoreOptions);
    open.push(store);
    if (migrate) await store.migrate();
    return store;
  };
  const rawPool = (): pg.Pool => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pools.push(pool);
    return pool;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const pool of pools.splice(0)) await pool.end();
  });

  const versions = async (schema: string): Promise<number[]> =>
    (await rawPool().query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows.map(
      (r) => r.version,
    );

  it('mirrors the SQLite migrations step for step', () => {
    expect(postgresMigrations.map((m) => [m.version, m.name])).toEqual(sqliteMigrations.map((m) => [m.version, m.name]));
  });

  it('records every step once on a fresh schema and applies nothing on restart', async () => {
    const schema = freshSchema();
    const first = await openStore({ schema });
    await first.migrate();
    await first.close();
    await openStore({ schema });
    expect(await versions(schema)).toEqual(postgresMigrations.map((m) => m.version));
    expect(await runPostgresMigrations(rawPool(), postgresMigrations, { table: 'schema_migrations', schema })).toEqual([]);
  });

  it('lets several nodes migrate one database at once: each step runs exactly once', async () => {
    const schema = freshSchema();
    const pools = [rawPool(), rawPool(), rawPool(), rawPool()];
    const applied = await Promise.all(
      pools.map((pool) => runPostgresMigrations(pool, postgresMigrations, { table: 'schema_migrations', schema })),
    );
    expect(applied.flat().sort((a, b) => a - b)).toEqual(postgresMigrations.map((m) => m.version));
    expect(await versions(schema)).toEqual(postgresMigrations.map((m) => m.version));
    // And through the store API, two nodes at once on another fresh schema.
    const other = freshSchema();
    const [a, b] = await Promise.all([openStore({ schema: other }), openStore({ schema: other })]);
    await a.createConversation({ id: 's1', userId: null, channel: 'web', now: 1 });
    expect((await b.getConversation('s1'))?.tenant).toBe('default');
  });

  for (let n = 1; n < postgresMigrations.length; n++) {
    it(`upgrades a database at version ${n} to the latest without losing rows`, async () => {
      const schema = freshSchema();
      const old = await openStore({ schema, migrations: postgresMigrations.slice(0, n) });
      await rawPool().query(`
        SET search_path TO "${schema}";
        INSERT INTO conversations (id, user_id, channel, created_at, updated_at, state)
          VALUES ('old-1', 'u1', 'web', 10, 20, '{"step":"confirm"}'), ('old-2', NULL, 'app', 11, 21, '{}');
        INSERT INTO messages (id, conversation_id, role, content, created_at, meta)
          VALUES ('m1', 'old-1', 'user', '我要退货', 12, '{"intent":"return"}'),
                 ('m2', 'old-1', 'assistant', '好的', 13, '{}'),
                 ('m3', 'old-2', 'agent', 'hi', 14, '{}');
        INSERT INTO settings (key, value) VALUES ('admin_key_hash', 'abc');
      `);
      await old.close();
      const store = await openStore({ schema });
      expect(await versions(schema)).toEqual(postgresMigrations.map((m) => m.version));
      expect(await store.getConversation('old-1')).toEqual({
        // From before session tokens: no token hash, so only a key continues it.
        id: 'old-1', userId: 'u1', tenant: 'default', channel: 'web', tokenHash: null, createdAt: 10, updatedAt: 20, state: { step: 'confirm' },
      });
      expect((await store.listMessages('old-1')).map((m) => [m.id, m.role, m.content, m.meta])).toEqual([
        ['m1', 'user', '我要退货', { intent: 'return' }],
        ['m2', 'assistant', '好的', {}],
      ]);
      expect(await store.getSetting('admin_key_hash')).toBe('abc');
      expect((await store.listConversations({ limit: 10 })).map((c) => c.id)).toEqual(['old-2', 'old-1']);
    });
  }

  it('rolls a failing step back whole and keeps the steps before it', async () => {
    const schema = freshSchema();
    const broken: Migration[] = [
      ...postgresMigrations,
      { version: postgresMigrations.length + 1, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);' },
    ];
    await expect(runPostgresMigrations(rawPool(), broken, { table: 'schema_migrations', schema })).rejects.toThrow(/no_such_table/);
    expect(await versions(schema)).toEqual(postgresMigrations.map((m) => m.version));
    const tables = await rawPool().query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [
      schema,
      'half_done',
    ]);
    expect(tables.rowCount).toBe(0);
  });

  it('refuses a database migrated by a newer Kefu', async () => {
    const schema = freshSchema();
    await openStore({ schema });
    await rawPool().query(`INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`);
    const store = await openStore({ schema }, false);
    const error: unknown = await store.migrate().then(() => null, (e: unknown) => e);
    expect(isKefuError(error) && [error.code, error.status]).toEqual(['schema_too_new', 500]);
  });

  it('keeps every message, each node in its own order, when two nodes append to one conversation at once', async () => {
    const schema = freshSchema();
    const a = await openStore({ schema });
    const b = await openStore({ schema });
    await a.createConversation({ id: 's1', userId: null, channel: 'web', now: 0 });
    const appendAll = async (store: ConversationStore, node: string) => {
      for (let i = 0; i < 100; i++) {
        await store.appendMessage({ id: `${node}${i}`, conversationId: 's1', role: 'user', content: `${node}${i}`, createdAt: 5, meta: { i } });
      }
    };
    await Promise.all([appendAll(a, 'a'), appendAll(b, 'b'), appendAll(a, 'c'), appendAll(b, 'd')]);
    const listed = (await b.listMessages('s1')).map((m) => m.id);
    expect(listed).toHaveLength(400);
    expect(new Set(listed).size).toBe(400);
    for (const node of ['a', 'b', 'c', 'd']) {
      expect(listed.filter((id) => id.startsWith(node))).toEqual(Array.from({ length: 100 }, (_, i) => `${node}${i}`));
    }
    expect(await a.listMessages('s1')).toEqual(await b.listMessages('s1'));
    expect((await a.getConversation('s1'))?.updatedAt).toBe(5);
  });

  it('reads a corrupted JSON column as {} and keeps listing', async () => {
    const schema = freshSchema();
    const warnings: Record<string, unknown>[] = [];
    const store = await openStore({ schema, logger: { warn: (details) => warnings.push(details) } });
    await store.createConversation({ id: 's1', userId: null, channel: 'web', now: 0 });
    await store.saveState('s1', { ok: true }, 1);
    for (let i = 0; i < 5; i++) {
      await store.appendMessage({ id: `m${i}`, conversationId: 's1', role: 'user', content: `${i}`, createdAt: i + 2, meta: { i } });
    }
    await rawPool().query(`
      SET search_path TO "${schema}";
      UPDATE conversations SET state = '{not json' WHERE id = 's1';
      UPDATE messages SET meta = '{"truncated": ' WHERE id = 'm1';
      UPDATE messages SET meta = '[1, 2]' WHERE id = 'm2';
      UPDATE messages SET meta = 'null' WHERE id = 'm3';
    `);
    expect((await store.getConversation('s1'))?.state).toEqual({});
    expect((await store.listConversations({ limit: 5 }))[0]?.state).toEqual({});
    expect((await store.listMessages('s1')).map((m) => m.meta)).toEqual([{ i: 0 }, {}, {}, {}, { i: 4 }]);
    expect(warnings.filter((w) => w['messageId'] !== undefined).map((w) => w['messageId'])).toEqual(['m1', 'm2', 'm3']);
  });

  it('answers invalid_argument, not a driver error, for text PostgreSQL cannot hold', async () => {
    const store = await openStore({ schema: freshSchema() });
    await store.createConversation({ id: 's1', userId: null, channel: 'web', now: 0 });
    const error: unknown = await store
      .appendMessage({ id: 'm1', conversationId: 's1', role: 'user', content: 'nul \u0000 byte', createdAt: 1, meta: {} })
      .then(() => null, (e: unknown) => e);
    expect(isKefuError(error) && [error.code, error.status]).toEqual(['invalid_argument', 400]);
    expect(await store.listMessages('s1')).toEqual([]);
  });

  it('answers a retryable 503 when the server cannot be reached', async () => {
    const store = createPostgresConversationStore({ url: 'postgres://kefu@127.0.0.1:1/kefu' });
    open.push(store);
    const error: unknown = await store.ping().then(() => null, (e: unknown) => e);
    expect(isKefuError(error) && [error.code, error.status, error.retryable]).toEqual(['store_closed', 503, true]);
  });

  it('leaves a shared pool open when it closes', async () => {
    const pool = rawPool();
    const store = createPostgresConversationStore({ pool, schema: freshSchema() });
    await store.migrate();
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
