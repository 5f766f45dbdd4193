import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/contracts/conversation-store.ts';
import { isKefuError } from '../../src/errors.ts';
import { sqliteMigrations, type Migration } from '../../src/store/sqlite/migrations.ts';
import { runMigrations } from '../../src/store/sqlite/run-migrations.ts';
import {
  createSqliteConversationStore,
  type SqliteConversationStoreOptions,
} from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { runConversationStoreContract } from './conversation-store.contract.ts';

const root = mkdtempSync(join(tmpdir(), 'kefu-sqlite-store-'));
let fileCount = 0;
/** A path in a folder of its own (the store would create it; raw connections need it to exist). */
const freshPath = (): string => {
  const dir = join(root, `db-${++fileCount}`);
  mkdirSync(dir);
  return join(dir, 'kefu.sqlite');
};

afterAll(() => rmSync(root, { recursive: true, force: true }));

runConversationStoreContract('sqlite', async () => createSqliteConversationStore({ path: freshPath() }));

describe('SQLite conversation store', () => {
  const open: ConversationStore[] = [];
  const rawOpen: Database.Database[] = [];
  const openStore = async (options: SqliteConversationStoreOptions, migrate = true): Promise<ConversationStore> => {
    const store = createSqliteConversationStore(options);
    open.push(store);
    if (migrate) await store.migrate();
    return store;
  };
  const openRaw = (path: string): Database.Database => {
    const db = new Database(path);
    rawOpen.push(db);
    return db;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const db of rawOpen.splice(0)) db.close();
  });

  it('creates missing parent folders and uses WAL', async () => {
    const path = join(root, 'deep', 'er', 'still', 'kefu.sqlite');
    await openStore({ path });
    expect(existsSync(path)).toBe(true);
    expect(openRaw(path).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('keeps everything across close and reopen', async () => {
    const path = freshPath();
    const first = await openStore({ path });
    await first.createConversation({ id: 's1', userId: 'u1', tenant: 'default', channel: 'web', now: 1000 });
    await first.appendMessage({ id: 'm1', conversationId: 's1', role: 'user', content: '在吗', createdAt: 1001, meta: { a: 1 } });
    await first.appendMessage({ id: 'm2', conversationId: 's1', role: 'assistant', content: '在的', createdAt: 1002, meta: {} });
    await first.saveState('s1', { step: 'ask_order' }, 1003);
    await first.setSetting('k', 'v');
    await first.close();

    const second = await openStore({ path });
    expect(await second.getConversation('s1')).toEqual({
      id: 's1', userId: 'u1', tenant: 'default', channel: 'web', tokenHash: null, createdAt: 1000, updatedAt: 1003, state: { step: 'ask_order' },
    });
    expect((await second.listMessages('s1')).map((m) => [m.id, m.content, m.meta])).toEqual([
      ['m1', '在吗', { a: 1 }],
      ['m2', '在的', {}],
    ]);
    expect(await second.getSetting('k')).toBe('v');
  });

  it('keeps all rows when two stores of one file append at once (one shared connection; test/store/sqlite-multi-process.test.ts has two processes)', async () => {
    const path = freshPath();
    const a = await openStore({ path });
    const b = await openStore({ path });
    await a.createConversation({ id: 's1', userId: null, tenant: 'default', channel: 'web', now: 0 });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? a : b).appendMessage({ id: `m${i}`, conversationId: 's1', role: 'user', content: `${i}`, createdAt: i, meta: {} }),
      ),
    );
    expect((await a.listMessages('s1')).map((m) => m.content)).toEqual(Array.from({ length: 100 }, (_, i) => `${i}`));
    expect(await b.listMessages('s1')).toHaveLength(100);
  });

  it('reads a corrupted JSON column as {} and keeps listing', async () => {
    const path = freshPath();
    const warnings: Record<string, unknown>[] = [];
    const store = await openStore({ path, logger: { warn: (details) => warnings.push(details) } });
    await store.createConversation({ id: 's1', userId: null, tenant: 'default', channel: 'web', now: 0 });
    await store.saveState('s1', { ok: true }, 1);
    for (let i = 0; i < 5; i++) {
      await store.appendMessage({ id: `m${i}`, conversationId: 's1', role: 'user', content: `${i}`, createdAt: i + 2, meta: { i } });
    }
    const raw = openRaw(path);
    raw.prepare("UPDATE conversations SET state = '{not json' WHERE id = 's1'").run();
    raw.prepare("UPDATE messages SET meta = '{\"truncated\": ' WHERE id = 'm1'").run();
    raw.prepare("UPDATE messages SET meta = '[1, 2]' WHERE id = 'm2'").run();
    raw.prepare("UPDATE messages SET meta = 'null' WHERE id = 'm3'").run();

    expect((await store.getConversation('s1'))?.state).toEqual({});
    expect((await store.listConversations({ limit: 5 }))[0]?.state).toEqual({});
    expect((await store.listMessages('s1')).map((m) => m.meta)).toEqual([{ i: 0 }, {}, {}, {}, { i: 4 }]);
    expect(warnings.map((w) => w['column'])).toEqual(expect.arrayContaining(['state', 'meta']));
    expect(warnings.filter((w) => w['messageId'] !== undefined).map((w) => w['messageId'])).toEqual(['m1', 'm2', 'm3']);
  });

  it('enforces foreign keys on every connection it opens', async () => {
    const store = await openStore({ path: freshPath() });
    await store.createConversation({ id: 's1', userId: null, tenant: 'default', channel: 'web', now: 0 });
    await store.appendMessage({ id: 'm1', conversationId: 's1', role: 'user', content: 'x', createdAt: 0, meta: {} });
    expect(await store.deleteIdleConversations(1)).toBe(1);
    expect(await store.listMessages('s1')).toEqual([]);
  });

  describe('migrations', () => {
    const versions = (path: string): number[] =>
      openRaw(path)
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
        .all()
        .map((r) => r.version);

    it('numbers its steps 1, 2, 3, … in order', () => {
      expect(sqliteMigrations.map((m) => m.version)).toEqual(sqliteMigrations.map((_, i) => i + 1));
    });

    it('records every step on a fresh database and applies nothing on restart', async () => {
      const path = freshPath();
      const all = sqliteMigrations.map((m) => m.version);
      const first = await openStore({ path });
      expect(versions(path)).toEqual(all);
      await first.migrate();
      await first.close();
      await openStore({ path });
      expect(versions(path)).toEqual(all);
      const db = openRaw(path);
      expect(runMigrations(db, sqliteMigrations)).toEqual([]);
    });

    for (let n = 1; n < sqliteMigrations.length; n++) {
      it(`upgrades a database at version ${n} to the latest without losing rows`, async () => {
        const path = freshPath();
        const old = await openStore({ path, migrations: sqliteMigrations.slice(0, n) });
        expect(versions(path)).toEqual(sqliteMigrations.slice(0, n).map((m) => m.version));
        // Rows written the way version 1 shaped them, straight through SQL.
        const raw = openRaw(path);
        raw.exec(`
          INSERT INTO conversations (id, user_id, channel, created_at, updated_at, state)
            VALUES ('old-1', 'u1', 'web', 10, 20, '{"step":"confirm"}'), ('old-2', NULL, 'app', 11, 21, '{}');
          INSERT INTO messages (id, conversation_id, role, content, created_at, meta)
            VALUES ('m1', 'old-1', 'user', '我要退货', 12, '{"intent":"return"}'),
                   ('m2', 'old-1', 'assistant', '好的', 13, '{}'),
                   ('m3', 'old-2', 'agent', 'hi', 14, '{}');
          INSERT INTO settings (key, value) VALUES ('admin_key_hash', 'abc');
        `);
        await old.close();

        const store = await openStore({ path });
        expect(versions(path)).toEqual(sqliteMigrations.map((m) => m.version));
        expect(await store.getConversation('old-1')).toEqual({
          // From before session tokens: no token hash, so only a key continues it.
          id: 'old-1', userId: 'u1', tenant: 'default', channel: 'web', tokenHash: null, createdAt: 10, updatedAt: 20, state: { step: 'confirm' },
        });
        expect((await store.listMessages('old-1')).map((m) => [m.id, m.role, m.content, m.meta])).toEqual([
          ['m1', 'user', '我要退货', { intent: 'return' }],
          ['m2', 'assistant', '好的', {}],
        ]);
        expect(await store.listMessages('old-2')).toHaveLength(1);
        expect(await store.getSetting('admin_key_hash')).toBe('abc');
        expect((await store.listConversations({ limit: 10 })).map((c) => c.id)).toEqual(['old-2', 'old-1']);
      });
    }

    it('keeps admin keys made before tenant scoping administering every tenant (step 5)', async () => {
      const path = freshPath();
      const old = await openStore({ path, migrations: sqliteMigrations.slice(0, 4) });
      openRaw(path).exec(`
        INSERT INTO api_keys (id, name, role, tenant, key_hash, created_at) VALUES
          ('k1', 'ops', 'admin', 'default', 'h1', 1), ('k2', 'acme boss', 'admin', 'acme', 'h2', 2), ('k3', 'wang', 'agent', 'default', 'h3', 3);
      `);
      await old.close();
      await openStore({ path });
      const rows = openRaw(path).prepare<[], { id: string; tenant: string }>('SELECT id, tenant FROM api_keys ORDER BY id').all();
      expect(rows).toEqual([{ id: 'k1', tenant: '*' }, { id: 'k2', tenant: 'acme' }, { id: 'k3', tenant: 'default' }]);
    });

    it('rolls a failing step back whole and keeps the steps before it', () => {
      const path = freshPath();
      const db = openRaw(path);
      const broken: Migration[] = [
        ...sqliteMigrations,
        {
          version: sqliteMigrations.length + 1,
          name: 'broken',
          sql: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);',
        },
      ];
      expect(() => runMigrations(db, broken)).toThrow(/no_such_table/);
      expect(versions(path)).toEqual(sqliteMigrations.map((m) => m.version));
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      expect(tables.map((t) => t.name)).not.toContain('half_done');
    });

    it('refuses a database migrated by a newer Kefu', async () => {
      const path = freshPath();
      await openStore({ path });
      openRaw(path).prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', 0);
      const store = await openStore({ path }, false);
      const error: unknown = await store.migrate().then(() => null, (e: unknown) => e);
      expect(isKefuError(error) && error.code).toBe('schema_too_new');
    });

    it('rejects a migration list out of order', () => {
      const db = openRaw(freshPath());
      const [first, second] = sqliteMigrations;
      if (first === undefined || second === undefined) throw new Error('expected two migrations');
      expect(() => runMigrations(db, [second, first])).toThrow(/versions must be/);
    });
  });
});
