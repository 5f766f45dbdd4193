import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationStore, StoredMessage } from '../../src/contracts/conversation-store.ts';
import { isKefuError } from '../../src/errors.ts';
import { hashSessionToken } from '../../src/sessions/session-token.ts';
import { createSessionManager, type SessionManager } from '../../src/sessions/session-manager.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';

/** A caller that proved itself with a key: opens existing sessions without their token. */
const TRUSTED = { trusted: true } as const;

const root = mkdtempSync(join(tmpdir(), 'kefu-sessions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TTL = 30 * 60_000;
/** RFC 9562 version 7: new sessions and messages get time-ordered ids (docs/decisions.md). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function expectKefuError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isKefuError(error), `expected KefuError ${code}, got ${String(error)}`).toBe(true);
  if (isKefuError(error)) {
    expect({ code: error.code, status: error.status }).toEqual({ code, status });
  }
}

describe('session manager over SQLite', () => {
  let store: ConversationStore;
  let sessions: SessionManager;
  let clock: number;
  let dbCount = 0;

  beforeEach(async () => {
    store = createSqliteConversationStore({ path: join(root, `s-${++dbCount}`, 'kefu.sqlite') });
    await store.migrate();
    clock = 1_700_000_000_000;
    sessions = createSessionManager({ store, ttlMs: TTL, historyLimit: 6, now: () => clock });
  });
  afterEach(async () => {
    await store.close();
  });

  describe('open', () => {
    it('creates a session with a time-ordered UUID when none is given', async () => {
      const a = await sessions.open({ userId: 'u1', channel: 'web' });
      const b = await sessions.open({ channel: 'app' });
      expect(a.id).toMatch(UUID);
      expect(b.id).toMatch(UUID);
      expect(a.id < b.id).toBe(true);
      expect(a).toMatchObject({ userId: 'u1', channel: 'web', createdAt: clock, updatedAt: clock, state: {} });
      expect(b.userId).toBeNull();
      const { issuedToken, ...stored } = a;
      expect(await store.getConversation(a.id)).toEqual(stored);
      // The token is given once; the store has its hash only.
      expect(stored.tokenHash).toBe(hashSessionToken(issuedToken!));
    });

    it('returns the existing session with its state', async () => {
      const created = await sessions.open({ channel: 'web' });
      await sessions.saveState(created.id, { flow: 'refund' });
      clock += 1000;
      const again = await sessions.open({ sessionId: created.id, channel: 'web', access: TRUSTED });
      expect(again.id).toBe(created.id);
      expect(again.state).toEqual({ flow: 'refund' });
    });

    it('404s session_not_found for an unknown id and creates nothing', async () => {
      await expectKefuError(sessions.open({ sessionId: 'does-not-exist', channel: 'web', access: TRUSTED }), 'session_not_found', 404);
      expect(await store.getConversation('does-not-exist')).toBeNull();
    });

    it('404s session_expired once updatedAt is older than the TTL, and not a millisecond before', async () => {
      const s = await sessions.open({ channel: 'web' });
      clock += TTL;
      expect((await sessions.open({ sessionId: s.id, channel: 'web', access: TRUSTED })).id).toBe(s.id);
      clock += 1;
      await expectKefuError(sessions.open({ sessionId: s.id, channel: 'web', access: TRUSTED }), 'session_expired', 404);
    });

    it('counts activity, not creation, towards the TTL', async () => {
      const s = await sessions.open({ channel: 'web' });
      clock += TTL - 10;
      await sessions.record({ sessionId: s.id, role: 'user', content: 'still here' });
      clock += TTL - 10;
      expect((await sessions.open({ sessionId: s.id, channel: 'web', access: TRUSTED })).id).toBe(s.id);
    });

    it('400s invalid_session_id for malformed ids', async () => {
      for (const sessionId of ['', 'a'.repeat(129), 'has space', 'semi;colon', '../etc/passwd', '会话', 'a\nb']) {
        await expectKefuError(sessions.open({ sessionId, channel: 'web', access: TRUSTED }), 'invalid_session_id', 400);
      }
      for (const sessionId of ['a', 'a'.repeat(128), 'user_1-2:3.4']) {
        await expectKefuError(sessions.open({ sessionId, channel: 'web', access: TRUSTED }), 'session_not_found', 404);
      }
    });

    it('needs the session token (or trusted access) to open an existing session', async () => {
      const s = await sessions.open({ channel: 'web' });
      await expectKefuError(sessions.open({ sessionId: s.id, channel: 'web' }), 'session_token_required', 401);
      await expectKefuError(sessions.open({ sessionId: s.id, channel: 'web', access: { token: 'guess' } }), 'invalid_session_token', 403);
      expect((await sessions.open({ sessionId: s.id, channel: 'web', access: { token: s.issuedToken! } })).issuedToken).toBeUndefined();
      // A session from before tokens: no token opens it, a key does.
      await store.createConversation({ id: 'legacy', userId: 'alice', channel: 'web', now: clock });
      await expectKefuError(sessions.open({ sessionId: 'legacy', channel: 'web', access: { token: 'anything' } }), 'invalid_session_token', 403);
      expect((await sessions.open({ sessionId: 'legacy', channel: 'web', access: TRUSTED })).userId).toBe('alice');
    });

    it('keeps the customer the session was created for: another user id, or one on an anonymous session, is 409', async () => {
      const s = await sessions.open({ userId: 'alice', channel: 'web' });
      await expectKefuError(sessions.open({ sessionId: s.id, userId: 'mallory', channel: 'web', access: TRUSTED }), 'session_user_mismatch', 409);
      const anon = await sessions.open({ channel: 'web' });
      await expectKefuError(sessions.open({ sessionId: anon.id, userId: 'alice', channel: 'web', access: TRUSTED }), 'session_user_mismatch', 409);
      expect((await sessions.open({ sessionId: s.id, userId: 'alice', channel: 'web', access: TRUSTED })).id).toBe(s.id);
      expect((await sessions.open({ sessionId: s.id, channel: 'web', access: TRUSTED })).id).toBe(s.id);
    });

    describe('createIfMissing (client-named sessions)', () => {
      it('creates the session under the given id, then reuses it', async () => {
        const first = await sessions.open({ sessionId: 'openai-user-42', channel: 'openai', createIfMissing: true, access: TRUSTED });
        expect(first).toMatchObject({ id: 'openai-user-42', channel: 'openai' });
        await sessions.record({ sessionId: first.id, role: 'user', content: 'hi' });
        const again = await sessions.open({ sessionId: 'openai-user-42', channel: 'openai', createIfMissing: true, access: TRUSTED });
        expect(await sessions.history(again.id)).toEqual([{ role: 'user', content: 'hi' }]);
      });

      it('starts an expired session afresh instead of failing', async () => {
        const s = await sessions.open({ sessionId: 'named', channel: 'openai', createIfMissing: true, access: TRUSTED });
        await sessions.record({ sessionId: s.id, role: 'user', content: 'old' });
        await sessions.saveState(s.id, { flow: 'refund' });
        clock += TTL + 1;
        const fresh = await sessions.open({ sessionId: 'named', channel: 'openai', createIfMissing: true, access: TRUSTED });
        expect(fresh).toMatchObject({ id: 'named', createdAt: clock, state: {} });
        expect(await sessions.history('named')).toEqual([]);
      });

      it('gives concurrent first requests one and the same session', async () => {
        const opened = await Promise.all(
          Array.from({ length: 5 }, () => sessions.open({ sessionId: 'race', channel: 'openai', createIfMissing: true, access: TRUSTED })),
        );
        expect(new Set(opened.map((c) => c.id))).toEqual(new Set(['race']));
        expect(await store.listConversations({ limit: 10 })).toHaveLength(1);
      });

      it('restarts an expired session once when requests race, losing nothing recorded after', async () => {
        // The second request's delete reaches the database late, after the first request has
        // already started the session afresh and recorded into it.
        let deletes = 0;
        const slowSecondDelete = new Proxy(store, {
          get(target, prop) {
            const value: unknown = Reflect.get(target, prop, target);
            if (typeof value !== 'function') return value;
            const method = value.bind(target);
            if (prop !== 'deleteConversation' && prop !== 'deleteIdleConversations') return method;
            return async (...args: unknown[]) => {
              if (++deletes === 2) await new Promise((resolve) => setTimeout(resolve, 50));
              return method(...args);
            };
          },
        });
        const racing = createSessionManager({ store: slowSecondDelete, ttlMs: TTL, historyLimit: 6, now: () => clock });
        await racing.open({ sessionId: 'race', channel: 'openai', createIfMissing: true, access: TRUSTED });
        clock += TTL + 1;
        await Promise.all(
          ['first', 'second'].map(async (content) => {
            const c = await racing.open({ sessionId: 'race', channel: 'openai', createIfMissing: true, access: TRUSTED });
            await racing.record({ sessionId: c.id, role: 'user', content });
          }),
        );
        expect((await racing.history('race')).map((m) => m.content).sort()).toEqual(['first', 'second']);
        expect((await store.getConversation('race'))?.createdAt).toBe(clock);
      });

      it('still validates the id', async () => {
        await expectKefuError(sessions.open({ sessionId: 'bad id', channel: 'x', createIfMissing: true, access: TRUSTED }), 'invalid_session_id', 400);
      });
    });
  });

  describe('record and history', () => {
    it('records messages, bumps updatedAt, and returns them as stored', async () => {
      const s = await sessions.open({ channel: 'web' });
      clock += 500;
      const stored = await sessions.record({ sessionId: s.id, role: 'user', content: '我的快递到哪了', meta: { intent: 'logistics' } });
      expect(stored).toMatchObject({ conversationId: s.id, role: 'user', content: '我的快递到哪了', createdAt: clock, meta: { intent: 'logistics' } });
      expect(stored.id).toMatch(UUID);
      const withId = await sessions.record({ sessionId: s.id, id: 'reply-1', role: 'assistant', content: '已发货' });
      expect(withId.id).toBe('reply-1');
      expect((await store.listMessages(s.id)).map((m) => m.id)).toEqual([stored.id, 'reply-1']);
      expect((await store.getConversation(s.id))?.updatedAt).toBe(clock);
    });

    it('recordAll writes a turn and its state in one write where the store can, else message by message; a message keeps its own time', async () => {
      const s = await sessions.open({ channel: 'web' });
      const said = clock + 100;
      clock += 2_000;
      const [user, reply] = await sessions.recordAll(
        [
          { sessionId: s.id, role: 'user', content: '退货政策?', at: said },
          { sessionId: s.id, id: 'r-1', role: 'assistant', content: '7天无理由退货' },
        ],
        { step: 'answered' },
      );
      expect(user).toMatchObject({ role: 'user', createdAt: said });
      expect(reply).toMatchObject({ id: 'r-1', createdAt: clock });
      expect((await store.listMessages(s.id)).map((m) => m.content)).toEqual(['退货政策?', '7天无理由退货']);
      expect((await store.getConversation(s.id))?.state).toEqual({ step: 'answered' });
      await expectKefuError(sessions.recordAll([{ sessionId: 'gone', role: 'user', content: 'x' }]), 'session_not_found', 404);

      // A store without appendMessages (an adapter that has not got it yet) gets one append per message, the state with the last.
      const appended: { id: string; state: unknown }[] = [];
      const plain = new Proxy(store, {
        get(target, key) {
          if (key === 'appendMessages') return undefined;
          if (key === 'appendMessage') {
            return async (m: StoredMessage, o?: { state?: Record<string, unknown> }) => {
              appended.push({ id: m.id, state: o?.state });
              await target.appendMessage(m, o);
            };
          }
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const viaPlain = createSessionManager({ store: plain, ttlMs: TTL, historyLimit: 6, now: () => clock });
      await viaPlain.recordAll([{ sessionId: s.id, id: 'u-2', role: 'user', content: 'a' }, { sessionId: s.id, id: 'r-2', role: 'assistant', content: 'b' }], { step: 'two' });
      expect(appended).toEqual([{ id: 'u-2', state: undefined }, { id: 'r-2', state: { step: 'two' } }]);
    });

    it('maps agents to assistant, leaves system notes out, keeps order', async () => {
      const s = await sessions.open({ channel: 'web' });
      await sessions.record({ sessionId: s.id, role: 'user', content: 'q1' });
      await sessions.record({ sessionId: s.id, role: 'system', content: 'handoff started' });
      await sessions.record({ sessionId: s.id, role: 'agent', content: 'agent here' });
      await sessions.record({ sessionId: s.id, role: 'assistant', content: 'a1' });
      expect(await sessions.history(s.id)).toEqual([
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'agent here' },
        { role: 'assistant', content: 'a1' },
      ]);
    });

    it('keeps the newest turns up to the limit, skipping system notes without shortening', async () => {
      const s = await sessions.open({ channel: 'web' });
      for (let i = 0; i < 10; i++) {
        await sessions.record({ sessionId: s.id, role: i % 2 === 0 ? 'user' : 'assistant', content: `t${i}` });
        await sessions.record({ sessionId: s.id, role: 'system', content: `note ${i}` });
        await sessions.record({ sessionId: s.id, role: 'system', content: `note ${i}b` });
      }
      expect((await sessions.history(s.id, 3)).map((m) => m.content)).toEqual(['t7', 't8', 't9']);
      // historyLimit (6) is the default and the cap.
      expect((await sessions.history(s.id)).map((m) => m.content)).toEqual(['t4', 't5', 't6', 't7', 't8', 't9']);
      expect(await sessions.history(s.id, 100)).toHaveLength(6);
      expect(await sessions.history(s.id, 0)).toEqual([]);
    });

    it('returns an empty history for an unknown session and 400s bad input', async () => {
      expect(await sessions.history('unknown')).toEqual([]);
      await expectKefuError(sessions.history('bad id'), 'invalid_session_id', 400);
      await expectKefuError(sessions.history('ok', -1), 'invalid_limit', 400);
    });

    it('404s session_not_found when recording to or saving a session that is gone', async () => {
      await expectKefuError(sessions.record({ sessionId: 'gone', role: 'user', content: 'x' }), 'session_not_found', 404);
      await expectKefuError(sessions.saveState('gone', { a: 1 }), 'session_not_found', 404);
      await expectKefuError(sessions.record({ sessionId: 'bad id', role: 'user', content: 'x' }), 'invalid_session_id', 400);
      await expectKefuError(sessions.saveState('bad id', {}), 'invalid_session_id', 400);
    });

    it('saveState replaces the state and keeps the session alive', async () => {
      const s = await sessions.open({ channel: 'web' });
      await sessions.saveState(s.id, { a: 1, b: 2 });
      clock += 1234;
      await sessions.saveState(s.id, { b: 3 });
      expect(await store.getConversation(s.id)).toMatchObject({ state: { b: 3 }, updatedAt: clock });
    });
  });

  describe('a session created here', () => {
    /** The real store, its message reads counted. */
    const counting = (inner: ConversationStore): { store: ConversationStore; reads: () => number } => {
      let reads = 0;
      const store = new Proxy(inner, {
        get(target, key, receiver) {
          const v = Reflect.get(target, key, receiver) as unknown;
          if (key === 'listMessages') return (...a: Parameters<ConversationStore['listMessages']>) => (reads++, target.listMessages(...a));
          return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
        },
      });
      return { store, reads: () => reads };
    };

    it('has its empty history and recent messages answered without a read, until a message is written', async () => {
      const c = counting(store);
      const here = createSessionManager({ store: c.store, ttlMs: TTL, historyLimit: 6, now: () => clock });
      const s = await here.open({ channel: 'web' });
      expect(await here.history(s.id)).toEqual([]);
      expect(await here.recent(s.id, 40)).toEqual([]);
      expect(c.reads()).toBe(0);
      await here.recordAll([{ sessionId: s.id, role: 'user', content: 'hi' }, { sessionId: s.id, role: 'assistant', content: 'hello' }]);
      expect(await here.history(s.id)).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }]);
      expect(c.reads()).toBe(1);
      const t = await here.open({ channel: 'web' });
      await here.record({ sessionId: t.id, role: 'user', content: 'one' });
      expect((await here.recent(t.id, 40)).map((m) => m.content)).toEqual(['one']);
    });

    it('reads a session created by another process, and one created here once the window has passed', async () => {
      const c = counting(store);
      const here = createSessionManager({ store: c.store, ttlMs: TTL, historyLimit: 6, now: () => clock });
      const elsewhere = await sessions.open({ channel: 'web' });
      await sessions.record({ sessionId: elsewhere.id, role: 'user', content: 'from another node' });
      expect(await here.history(elsewhere.id)).toEqual([{ role: 'user', content: 'from another node' }]);
      const mine = await here.open({ channel: 'web' });
      // Another process writing to it once it knows the session (it cannot before this turn replies).
      await sessions.record({ sessionId: mine.id, role: 'agent', content: 'late' });
      clock += 61_000;
      expect(await here.history(mine.id)).toEqual([{ role: 'assistant', content: 'late' }]);
      expect(c.reads()).toBe(2);
    });
  });

  describe('sweep', () => {
    it('deletes expired sessions with their messages and keeps live ones', async () => {
      const idle = await sessions.open({ channel: 'web' });
      await sessions.record({ sessionId: idle.id, role: 'user', content: 'bye' });
      const live = await sessions.open({ channel: 'web' });
      clock += TTL;
      await sessions.record({ sessionId: live.id, role: 'user', content: 'still here' });
      expect(await sessions.sweep()).toBe(0);
      clock += 1;
      expect(await sessions.sweep()).toBe(1);
      expect(await store.getConversation(idle.id)).toBeNull();
      expect(await store.listMessages(idle.id)).toEqual([]);
      expect(await sessions.history(live.id)).toEqual([{ role: 'user', content: 'still here' }]);
      await expectKefuError(sessions.open({ sessionId: idle.id, channel: 'web', access: TRUSTED }), 'session_not_found', 404);
    });
  });

  it('refuses nonsensical options', () => {
    expect(() => createSessionManager({ store, ttlMs: 0, historyLimit: 5 })).toThrow(/ttlMs/);
    expect(() => createSessionManager({ store, ttlMs: 1000, historyLimit: -1 })).toThrow(/historyLimit/);
  });
});
