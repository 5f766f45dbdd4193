import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationStore, StoredMessage } from '../../src/contracts/conversation-store.ts';
import type { TurnRecord } from '../../src/contracts/outcome-tracker.ts';
import { commitGroup, runMembers, runPlainly } from '../../src/store/sqlite/group-commit.ts';
import { openSharedSqlite } from '../../src/store/sqlite/shared-sqlite.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';

/** Issue 16: a turn's conversation row written once, and concurrent turns sharing one commit. */
const root = mkdtempSync(join(tmpdir(), 'kefu-group-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;

async function fresh(): Promise<{ store: ConversationStore; path: string; db: Database.Database }> {
  const path = join(root, `db-${++files}`, 'kefu.db');
  const store = createSqliteConversationStore({ path });
  await store.migrate();
  return { store, path, db: openSharedSqlite(path).db };
}

const message = (id: string, conversationId: string, createdAt = 10): StoredMessage => ({ id, conversationId, role: 'user', content: `text of ${id}`, createdAt, meta: { n: id } });
const turn = (sessionId: string): TurnRecord => ({ sessionId, channel: 'web', intent: 'logistics', answered: true, resolved: false, transferred: false });

/** Frames in the WAL since it was last cut to nothing: every commit appends at least one. */
function walFrames(path: string, db: Database.Database): number {
  const page = db.pragma('page_size', { simple: true }) as number;
  return Math.max(0, (statSync(`${path}-wal`).size - 32) / (page + 24));
}

/** Counts UPDATEs of conversation rows on this connection (a temporary trigger: the file is unchanged). */
function countUpdates(db: Database.Database): () => number {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS updates (n INTEGER NOT NULL); DELETE FROM updates; INSERT INTO updates VALUES (0);
    CREATE TEMP TRIGGER IF NOT EXISTS count_updates AFTER UPDATE ON main.conversations BEGIN UPDATE updates SET n = n + 1; END;`);
  return () => (db.prepare('SELECT n FROM temp.updates').get() as { n: number }).n;
}

/** A second connection, as another process would read the file: it sees only what was committed. */
function committedMessages(path: string, conversationId: string): string[] {
  const other = new Database(path, { readonly: true });
  try {
    return (other.prepare('SELECT id FROM messages WHERE conversation_id = ? ORDER BY created_at, seq').all(conversationId) as { id: string }[]).map((r) => r.id);
  } finally {
    other.close();
  }
}

const errorCode = async (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? String(e));

describe('a SQLite append writes the conversation row once', () => {
  it('one UPDATE for a turn of two messages and its state, none for a conversation created with it', async () => {
    const { store, db } = await fresh();
    await store.createConversation({ id: 'c1', userId: null, channel: 'web', now: 1 });
    const updates = countUpdates(db);
    await store.appendMessages!([message('m1', 'c1', 20), message('m2', 'c1', 30)], { state: { step: 2 }, outcome: turn('c1') });
    expect(updates()).toBe(1);
    const c1 = await store.getConversation('c1');
    expect(c1).toMatchObject({ updatedAt: 30, state: { step: 2 } });

    await store.appendMessages!([message('m3', 'c2', 40), message('m4', 'c2', 50)], { state: { step: 1 }, create: { id: 'c2', userId: null, channel: 'web', now: 35 } });
    expect(updates()).toBe(1);
    expect(await store.getConversation('c2')).toMatchObject({ createdAt: 35, updatedAt: 50, state: { step: 1 } });
    // A message older than the conversation's last one never moves it back; no state leaves the state.
    await store.appendMessage(message('m5', 'c1', 5));
    expect(await store.getConversation('c1')).toMatchObject({ updatedAt: 30, state: { step: 2 } });
    await store.close();
  });
});

describe('SQLite appends made at once share one commit', () => {
  it('thirty concurrent turns are one commit, each settling once it is committed', async () => {
    const { store, path, db } = await fresh();
    for (let i = 0; i < 30; i++) await store.createConversation({ id: `c${i}`, userId: null, channel: 'web', now: 1 });
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(walFrames(path, db)).toBe(0);
    const settled: string[][] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.appendMessages!([message(`u${i}`, `c${i}`), message(`a${i}`, `c${i}`, 11)], { state: { i }, outcome: turn(`c${i}`) }).then(() => {
          settled.push(committedMessages(path, `c${i}`));
        }),
      ),
    );
    // One commit per turn would leave at least thirty frames.
    expect(walFrames(path, db)).toBeLessThan(30);
    expect(settled).toEqual(Array.from({ length: 30 }, (_, i) => [`u${i}`, `a${i}`]));
    await store.close();
  });

  it('a failing append fails alone: the others are written, it leaves nothing', async () => {
    const { store, path, db } = await fresh();
    for (const id of ['c1', 'c2', 'c3']) await store.createConversation({ id, userId: null, channel: 'web', now: 1 });
    await store.appendMessage(message('taken', 'c3'));
    // What one such turn alone leaves in the WAL.
    db.pragma('wal_checkpoint(TRUNCATE)');
    await store.appendMessages!([message('alone', 'c3')], { state: {}, outcome: turn('c3') });
    const oneCommit = walFrames(path, db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const results = await Promise.all([
      errorCode(store.appendMessages!([message('ok1', 'c1')], { state: { ok: 1 }, outcome: turn('c1') })),
      // Its first message would go in before the second fails: the savepoint takes it back.
      errorCode(store.appendMessages!([message('lost', 'c3'), message('taken', 'c3')], { state: { bad: true }, outcome: turn('c3') })),
      errorCode(store.appendMessages!([message('nowhere', 'missing')], { state: { bad: true } })),
      errorCode(store.appendMessages!([message('dup', 'c1')], { create: { id: 'c1', userId: null, channel: 'web', now: 2 } })),
      errorCode(store.appendMessages!([message('ok2', 'c2')], { state: { ok: 2 }, outcome: turn('c2') })),
    ]);
    expect(results).toEqual(['resolved', 'message_exists', 'conversation_not_found', 'conversation_exists', 'resolved']);
    expect(walFrames(path, db)).toBeLessThan(2 * oneCommit); // the two written turns in one commit
    expect(committedMessages(path, 'c1')).toEqual(['ok1']);
    expect(committedMessages(path, 'c2')).toEqual(['ok2']);
    expect(committedMessages(path, 'c3')).toEqual(['taken', 'alone']);
    expect(await store.getConversation('c3')).toMatchObject({ state: {} });
    expect(await store.getConversation('missing')).toBeNull();
    const outcomes = db.prepare('SELECT session_id FROM conversation_outcomes ORDER BY session_id').all() as { session_id: string }[];
    expect(outcomes.map((r) => r.session_id)).toEqual(['c1', 'c2', 'c3']);
    expect(db.prepare("SELECT turns FROM conversation_outcomes WHERE session_id = 'c3'").get()).toEqual({ turns: 1 });
    await store.close();
  });

  it('keeps the order of calls, and a read sees every write made before it', async () => {
    const { store } = await fresh();
    await store.createConversation({ id: 'c1', userId: null, channel: 'web', now: 1 });
    // Same time on purpose: only the order they were written in orders them.
    const appends = Array.from({ length: 10 }, (_, i) => store.appendMessage(message(`m${i}`, 'c1', 50), { state: { last: i } }));
    expect((await store.listMessages('c1')).map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await Promise.all(appends);

    // A write after a queued append lands after it.
    const append = store.appendMessage(message('m10', 'c1', 60), { state: { last: 10 } });
    const save = store.saveState('c1', { saved: true }, 70);
    await Promise.all([append, save]);
    expect(await store.getConversation('c1')).toMatchObject({ updatedAt: 70, state: { saved: true } });

    const late = store.appendMessage(message('m11', 'c1', 80));
    expect(await store.deleteConversation('c1')).toBe(true);
    await late;
    expect(await store.listMessages('c1')).toEqual([]);
    await store.close();
  });

  it('close commits what is queued', async () => {
    const { store, path } = await fresh();
    await store.createConversation({ id: 'c1', userId: null, channel: 'web', now: 1 });
    const append = store.appendMessage(message('m1', 'c1'));
    await store.close();
    await append;
    expect(committedMessages(path, 'c1')).toEqual(['m1']);
  });
});

describe('commitGroup', () => {
  it('runs a group once, without savepoints, when every member succeeds; again with savepoints when one fails', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT NOT NULL PRIMARY KEY)');
    const insert = db.prepare<[string]>('INSERT INTO t VALUES (?)');
    let runs = 0;
    const write = (v: string): string => {
      runs += 1;
      insert.run(v);
      return v;
    };
    const one = db.transaction(write);
    const plain = db.transaction((items: readonly string[]) => runPlainly(db, items, write));
    const withSavepoints = db.transaction((items: readonly string[]) => runMembers(db, items, (v) => one(v)));
    const group = (items: readonly string[]) => commitGroup(() => plain.immediate(items), () => withSavepoints.immediate(items));

    expect(group(['a', 'b'])).toEqual([{ ok: true, value: 'a' }, { ok: true, value: 'b' }]);
    expect(runs).toBe(2);
    runs = 0;
    const outcomes = group(['c', 'a', 'd']);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }) });
    expect(runs).toBe(2 + 3); // the plain run up to the failure, then the whole group with savepoints
    expect(db.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual(['a', 'b', 'c', 'd']);
    db.close();
  });
});
