import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/contracts/conversation-store.ts';
import type { TurnRecord } from '../../src/contracts/outcome-tracker.ts';
import { isKefuError } from '../../src/errors.ts';
import { createSqliteHandoffQueue } from '../../src/handoff/sqlite-handoff-queue.ts';
import { createSqliteOutcomeTracker } from '../../src/outcomes/sqlite-outcome-tracker.ts';
import { createSqliteApiKeyStore } from '../../src/server/sqlite-api-key-store.ts';
import { createUserIdSealer } from '../../src/safety/pii/stored-user-id.ts';
import { createSessionManager } from '../../src/sessions/session-manager.ts';
import { hashSessionToken } from '../../src/sessions/session-token.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { withSealedUserIds } from '../../src/store/with-sealed-user-ids.ts';

/** One node's kefu.db: its stores share one connection, and a turn's rows go in one transaction (issue 16). */
const root = mkdtempSync(join(tmpdir(), 'kefu-shared-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(root, `db-${++files}`, 'kefu.db');

/** How many descriptors this process holds on the database file itself (not its -wal or -shm). */
const openDescriptors = (file: string): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;

async function openAll(path: string) {
  const store = createSqliteConversationStore({ path });
  await store.migrate();
  return { store, handoffs: createSqliteHandoffQueue({ path }), keys: createSqliteApiKeyStore({ path }), outcomes: createSqliteOutcomeTracker({ path }) };
}

const turn = (sessionId: string, over: Partial<TurnRecord> = {}): TurnRecord => ({ sessionId, channel: 'web', intent: 'logistics', answered: true, resolved: false, transferred: false, ...over });
const message = (id: string, createdAt: number, conversationId = 's1'): StoredMessage => ({ id, conversationId, role: 'user', content: id, createdAt, meta: {} });

describe('the stores of one SQLite file', () => {
  it('share one connection, open until the last of them closes', async () => {
    const path = freshPath();
    const { store, handoffs, keys, outcomes } = await openAll(path);
    expect(openDescriptors(path)).toBe(1);
    await store.createConversation({ id: 's1', userId: null, channel: 'web', now: 1 });
    await handoffs.request({ sessionId: 's1', reason: 'asked', summary: 'x' });
    await store.close();
    // The others go on with the file's connection.
    expect((await handoffs.openFor('s1'))?.sessionId).toBe('s1');
    await outcomes.recordTurn(turn('s1'));
    await keys.create({ name: 'k', role: 'agent' });
    await handoffs.shutdown();
    await outcomes.shutdown();
    expect(openDescriptors(path)).toBe(1);
    await keys.close();
    expect(openDescriptors(path)).toBe(0);
  });

  it('write a turn\'s transcript and its outcome row in one transaction: both or neither', async () => {
    const path = freshPath();
    const { store, handoffs, keys, outcomes } = await openAll(path);
    const raw = new Database(path, { readonly: true });
    try {
      const outcomeRows = () => raw.prepare('SELECT turns FROM conversation_outcomes WHERE session_id = ?').all('s1');
      const messageIds = () => raw.prepare('SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq').pluck().all('s1');
      expect(store.writesOutcomes).toBe(true);
      await store.createConversation({ id: 's1', userId: null, channel: 'web', now: 1 });
      await store.appendMessages!([message('u1', 2), message('a1', 3)], { state: { step: 1 }, outcome: turn('s1') });
      expect(messageIds()).toEqual(['u1', 'a1']);
      expect(outcomeRows()).toEqual([{ turns: 1 }]);
      expect((await outcomes.stats()).open).toBe(1);

      // A message that cannot be written takes the outcome row with it.
      await expect(store.appendMessages!([message('u2', 4), message('a1', 5)], { outcome: turn('s1') })).rejects.toSatisfy((e) => isKefuError(e) && e.code === 'message_exists');
      expect(outcomeRows()).toEqual([{ turns: 1 }]);
      expect(messageIds()).toEqual(['u1', 'a1']);

      // An outcome row that cannot be written takes the transcript with it.
      const writer = new Database(path);
      writer.exec(`CREATE TRIGGER refuse_outcome BEFORE UPDATE ON conversation_outcomes BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
      writer.close();
      await expect(store.appendMessages!([message('u3', 6), message('a3', 7)], { state: { step: 2 }, outcome: turn('s1') })).rejects.toThrow('disk says no');
      expect(messageIds()).toEqual(['u1', 'a1']);
      expect((await store.getConversation('s1'))?.state).toEqual({ step: 1 });
    } finally {
      raw.close();
      for (const close of [store.close(), handoffs.shutdown(), keys.close(), outcomes.shutdown()]) await close;
    }
  });

  it('an outcome goes only with its own conversation\'s messages', async () => {
    const { store, handoffs, keys, outcomes } = await openAll(freshPath());
    await store.createConversation({ id: 's1', userId: null, channel: 'web', now: 1 });
    await expect(store.appendMessages!([message('u1', 2)], { outcome: turn('s2') })).rejects.toSatisfy((e) => isKefuError(e) && e.code === 'invalid_argument');
    expect(await store.listMessages('s1')).toEqual([]);
    for (const close of [store.close(), handoffs.shutdown(), keys.close(), outcomes.shutdown()]) await close;
  });

  it('the session manager hands a turn\'s outcome to the store only where it was asked to', async () => {
    const store = createSqliteConversationStore({ path: freshPath() });
    await store.migrate();
    const plain = createSessionManager({ store, ttlMs: 60_000, historyLimit: 5 });
    const joint = createSessionManager({ store, ttlMs: 60_000, historyLimit: 5, outcomesWithTranscript: true });
    expect([plain.writesOutcomes, joint.writesOutcomes]).toEqual([false, true]);
    const s = await plain.open({ channel: 'web' });
    await expect(plain.recordAll([{ sessionId: s.id, role: 'user', content: 'hi' }], undefined, turn(s.id))).rejects.toSatisfy((e) => isKefuError(e) && e.code === 'invalid_argument');
    expect(await store.listMessages(s.id)).toEqual([]);
    await joint.recordAll([{ sessionId: s.id, role: 'user', content: 'hi' }], undefined, turn(s.id));
    expect(await store.listMessages(s.id)).toHaveLength(1);
    await store.close();
  });
});

describe('a session made for a turn (storeWithFirstWrite)', () => {
  async function setUp() {
    const path = freshPath();
    const plain = createSqliteConversationStore({ path });
    await plain.migrate();
    const store = withSealedUserIds(plain, createUserIdSealer(Buffer.alloc(32, 7)));
    const sessions = createSessionManager({ store, ttlMs: 60_000, historyLimit: 5, outcomesWithTranscript: true });
    const raw = new Database(path);
    const conversations = () => raw.prepare('SELECT id, user_id, token_hash FROM conversations').all() as { id: string; user_id: string | null; token_hash: string }[];
    return { store, sessions, raw, conversations, close: async () => { raw.close(); await store.close(); } };
  }

  it('is stored in the transaction of its first message, sealed as one stored alone', async () => {
    const { store, sessions, conversations, close } = await setUp();
    const s = await sessions.open({ channel: 'web', userId: 'alice@example.com', storeWithFirstWrite: true });
    expect(s.issuedToken).toBeDefined();
    expect(conversations()).toEqual([]);
    expect(await sessions.history(s.id)).toEqual([]);
    await sessions.recordAll([{ sessionId: s.id, role: 'user', content: 'hi' }, { sessionId: s.id, role: 'assistant', content: 'hello' }], { step: 1 }, turn(s.id));
    const [row] = conversations();
    expect(row?.id).toBe(s.id);
    expect(row?.token_hash).toBe(hashSessionToken(s.issuedToken!));
    expect(row?.user_id).not.toContain('alice');
    expect(await store.getConversation(s.id)).toMatchObject({ userId: 'alice@example.com', tenant: 'default', channel: 'web', state: { step: 1 } });
    expect((await store.listMessages(s.id)).map((m) => m.content)).toEqual(['hi', 'hello']);
    // Stored once: the next write is an ordinary append.
    await sessions.record({ sessionId: s.id, role: 'user', content: 'again' });
    expect(await store.listMessages(s.id)).toHaveLength(3);
    await close();
  });

  it('is not stored when its first write fails, and is with the write that follows', async () => {
    const { sessions, raw, conversations, close } = await setUp();
    const s = await sessions.open({ channel: 'web', storeWithFirstWrite: true });
    raw.exec(`CREATE TRIGGER refuse_message BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    await expect(sessions.recordAll([{ sessionId: s.id, role: 'user', content: 'hi' }])).rejects.toThrow('disk says no');
    expect(conversations()).toEqual([]);
    raw.exec('DROP TRIGGER refuse_message');
    // What the pipeline does with the customer's message of a turn that failed.
    await sessions.record({ sessionId: s.id, role: 'user', content: 'hi' });
    expect(conversations().map((c) => c.id)).toEqual([s.id]);
    await close();
  });

  it('is stored before a state that is its first write; without the option, at once', async () => {
    const { store, sessions, conversations, close } = await setUp();
    const later = await sessions.open({ channel: 'web', storeWithFirstWrite: true });
    await sessions.saveState(later.id, { step: 2 });
    expect((await store.getConversation(later.id))?.state).toEqual({ step: 2 });
    const now = await sessions.open({ channel: 'web' });
    expect(conversations().map((c) => c.id).sort()).toEqual([later.id, now.id].sort());
    // A named session is stored at once whatever the caller asks: another request may name it too.
    const named = await sessions.open({ sessionId: 'named-1', channel: 'web', createIfMissing: true, storeWithFirstWrite: true });
    expect(await store.getConversation(named.id)).not.toBeNull();
    await close();
  });
});
