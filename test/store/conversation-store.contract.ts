import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationStore, StoredMessage } from '../../src/contracts/conversation-store.ts';
import { isKefuError } from '../../src/errors.ts';

/**
 * The behaviour every `ConversationStore` adapter must have, run once per adapter (as Kysely runs
 * one suite per dialect). `factory` returns a fresh, empty store; the suite migrates and closes it.
 */
export function runConversationStoreContract(name: string, factory: () => Promise<ConversationStore>): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let store: ConversationStore;
    let nextId = 0;
    const T0 = 1_700_000_000_000;

    beforeEach(async () => {
      store = await factory();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
    });

    const conversation = (id: string, now = T0, userId: string | null = 'u1') =>
      store.createConversation({ id, userId, channel: 'web', now });

    const message = (conversationId: string, createdAt: number, over: Partial<StoredMessage> = {}): StoredMessage => ({
      id: `m-${++nextId}`,
      conversationId,
      role: 'user',
      content: `message ${nextId}`,
      createdAt,
      meta: {},
      ...over,
    });

    async function expectStoreError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
      const error: unknown = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isKefuError(error), `expected a KefuError ${code}, got ${String(error)}`).toBe(true);
      if (isKefuError(error)) {
        expect(error.code).toBe(code);
        expect(error.status).toBe(status);
      }
    }

    describe('migrate and ping', () => {
      it('migrates again without error and answers ping', async () => {
        await store.migrate();
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('conversations', () => {
      it('keeps the tenant, default unless given', async () => {
        const acme = await store.createConversation({ id: 't-acme', userId: null, tenant: 'acme', channel: 'app', now: T0 });
        expect(acme.tenant).toBe('acme');
        expect((await store.getConversation('t-acme'))?.tenant).toBe('acme');
        await store.createConversation({ id: 't-default', userId: null, channel: 'web', now: T0 });
        expect((await store.getConversation('t-default'))?.tenant).toBe('default');
      });

      it('creates and reads back a conversation', async () => {
        const created = await conversation('c1');
        const expected = { id: 'c1', userId: 'u1', tenant: 'default', channel: 'web', tokenHash: null, createdAt: T0, updatedAt: T0, state: {} };
        expect(created).toEqual(expected);
        expect(await store.getConversation('c1')).toEqual(expected);
      });

      it('keeps the hash of the session token it is given', async () => {
        const hash = 'ab'.repeat(32);
        expect((await store.createConversation({ id: 'tok', userId: null, channel: 'web', tokenHash: hash, now: T0 })).tokenHash).toBe(hash);
        expect((await store.getConversation('tok'))?.tokenHash).toBe(hash);
        expect((await store.listConversations({ limit: 10 })).find((c) => c.id === 'tok')?.tokenHash).toBe(hash);
      });

      it('keeps a null user id', async () => {
        await conversation('anon', T0, null);
        expect((await store.getConversation('anon'))?.userId).toBeNull();
      });

      it('returns null for an unknown id', async () => {
        expect(await store.getConversation('nope')).toBeNull();
      });

      it('rejects a second conversation with the same id and keeps the first', async () => {
        await conversation('c1', T0, 'first');
        await expectStoreError(conversation('c1', T0 + 1, 'second'), 'conversation_exists', 409);
        expect((await store.getConversation('c1'))?.userId).toBe('first');
      });

      it('replaces the state and bumps updatedAt, keeping createdAt', async () => {
        await conversation('c1');
        const state = { flow: { name: 'refund', step: 2, items: ['a', 'b'] }, confirmed: false, n: 1.5, none: null };
        await store.saveState('c1', state, T0 + 500);
        await store.saveState('c1', { ...state, confirmed: true }, T0 + 900);
        const got = await store.getConversation('c1');
        expect(got?.state).toEqual({ ...state, confirmed: true });
        expect(got?.createdAt).toBe(T0);
        expect(got?.updatedAt).toBe(T0 + 900);
      });

      it('rejects saving state for an unknown conversation', async () => {
        await expectStoreError(store.saveState('nope', { a: 1 }, T0), 'conversation_not_found', 404);
        expect(await store.getConversation('nope')).toBeNull();
      });

      it('deletes one conversation with its messages', async () => {
        await conversation('c1');
        await conversation('c2');
        await store.appendMessage(message('c1', T0));
        await store.appendMessage(message('c2', T0));
        expect(await store.deleteConversation('c1')).toBe(true);
        expect(await store.deleteConversation('c1')).toBe(false);
        expect(await store.getConversation('c1')).toBeNull();
        expect(await store.listMessages('c1')).toEqual([]);
        expect(await store.listMessages('c2')).toHaveLength(1);
      });
    });

    describe('messages', () => {
      it('writes a message and the new state together, and neither when the message is refused', async () => {
        await conversation('c1');
        const m = message('c1', T0 + 5, { role: 'assistant' });
        await store.appendMessage(m, { state: { step: 'confirm' } });
        expect((await store.getConversation('c1'))?.state).toEqual({ step: 'confirm' });
        expect(await store.listMessages('c1')).toEqual([m]);
        await expect(store.appendMessage(m, { state: { step: 'done' } })).rejects.toMatchObject({ code: 'message_exists' });
        expect((await store.getConversation('c1'))?.state).toEqual({ step: 'confirm' });
      });

      it('appendMessages (where an adapter has it): a turn and its state in one write, all or none', async () => {
        if (store.appendMessages === undefined) return;
        await conversation('c1');
        const user = message('c1', T0 + 1);
        const reply = message('c1', T0 + 2, { role: 'assistant' });
        await store.appendMessages([user, reply], { state: { step: 'confirm' } });
        expect(await store.listMessages('c1')).toEqual([user, reply]);
        expect((await store.getConversation('c1'))).toMatchObject({ state: { step: 'confirm' }, updatedAt: T0 + 2 });
        // The second message is refused: the first is not kept, the state not changed.
        const next = message('c1', T0 + 3);
        await expect(store.appendMessages([next, reply], { state: { step: 'done' } })).rejects.toMatchObject({ code: 'message_exists' });
        expect(await store.listMessages('c1')).toEqual([user, reply]);
        expect((await store.getConversation('c1'))?.state).toEqual({ step: 'confirm' });
        await expect(store.appendMessages([message('gone', T0)])).rejects.toMatchObject({ code: 'conversation_not_found' });
      });

      it('lists oldest first by createdAt, whatever the insertion order', async () => {
        await conversation('c1');
        const late = message('c1', T0 + 30);
        const early = message('c1', T0 + 10, { role: 'assistant' });
        const middle = message('c1', T0 + 20, { role: 'agent' });
        for (const m of [late, early, middle]) await store.appendMessage(m);
        expect(await store.listMessages('c1')).toEqual([early, middle, late]);
      });

      it('keeps insertion order among messages with the same createdAt', async () => {
        await conversation('c1');
        const same = Array.from({ length: 5 }, () => message('c1', T0 + 1));
        for (const m of same) await store.appendMessage(m);
        expect((await store.listMessages('c1')).map((m) => m.id)).toEqual(same.map((m) => m.id));
      });

      it('with a limit keeps the newest N, still oldest first', async () => {
        await conversation('c1');
        const all = Array.from({ length: 10 }, (_, i) => message('c1', T0 + i));
        for (const m of all) await store.appendMessage(m);
        expect(await store.listMessages('c1', 3)).toEqual(all.slice(7));
        expect(await store.listMessages('c1', 10)).toEqual(all);
        expect(await store.listMessages('c1', 50)).toEqual(all);
        expect(await store.listMessages('c1', 0)).toEqual([]);
      });

      it('rejects a negative or fractional limit instead of ignoring it', async () => {
        await conversation('c1');
        await store.appendMessage(message('c1', T0));
        await expectStoreError(store.listMessages('c1', -1), 'invalid_argument', 400);
        await expectStoreError(store.listMessages('c1', 1.5), 'invalid_argument', 400);
      });

      it('lists nothing for an unknown conversation', async () => {
        expect(await store.listMessages('nope')).toEqual([]);
        expect(await store.listMessages('nope', 5)).toEqual([]);
      });

      it('lists only the messages of the asked conversation', async () => {
        await conversation('c1');
        await conversation('c2');
        const a = message('c1', T0);
        const b = message('c2', T0);
        await store.appendMessage(a);
        await store.appendMessage(b);
        expect(await store.listMessages('c1')).toEqual([a]);
        expect(await store.listMessages('c2')).toEqual([b]);
      });

      it('round-trips meta of every JSON kind', async () => {
        await conversation('c1');
        const meta = {
          intent: 'refund',
          emotion: { label: 'anxious', intensity: 0.75 },
          sources: [{ id: 'kb-1', title: '退货政策', score: 0.9 }],
          cached: false,
          nothing: null,
          count: 0,
        };
        const m = message('c1', T0, { role: 'assistant', meta });
        await store.appendMessage(m);
        expect((await store.listMessages('c1'))[0]?.meta).toEqual(meta);
      });

      it('round-trips unicode content, ids and state exactly', async () => {
        const id = '会话-😀-ü';
        await store.createConversation({ id, userId: '用户😀', channel: 'wecom', now: T0 });
        const texts = [
          '你好，我的订单什么时候发货？',
          'emoji 👩‍👩‍👧‍👦 🇨🇳 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
          'e\u0301 vs é', // combining accent vs precomposed: must not be normalised
          'مرحبا بالعالم',
          'line 1\nline 2\r\n\ttabbed "quoted" \'single\' \\ backslash',
          '',
        ];
        const sent = texts.map((content) => message(id, T0 + 1, { content, meta: { echo: content } }));
        for (const m of sent) await store.appendMessage(m);
        expect(await store.listMessages(id)).toEqual(sent);
        await store.saveState(id, { 地址: '北京市朝阳区', note: '👍' }, T0 + 2);
        const got = await store.getConversation(id);
        expect(got?.state).toEqual({ 地址: '北京市朝阳区', note: '👍' });
        expect(got?.userId).toBe('用户😀');
      });

      it('rejects a message for an unknown conversation', async () => {
        await expectStoreError(store.appendMessage(message('nope', T0)), 'conversation_not_found', 404);
        expect(await store.listMessages('nope')).toEqual([]);
      });

      it('rejects a duplicate message id and keeps the original', async () => {
        await conversation('c1');
        const m = message('c1', T0, { content: 'original' });
        await store.appendMessage(m);
        await expectStoreError(store.appendMessage({ ...m, content: 'other', createdAt: T0 + 5 }), 'message_exists', 409);
        expect(await store.listMessages('c1')).toEqual([m]);
        expect((await store.getConversation('c1'))?.updatedAt).toBe(T0);
      });

      it('bumps updatedAt on append, never backwards', async () => {
        await conversation('c1');
        await store.appendMessage(message('c1', T0 + 100));
        expect((await store.getConversation('c1'))?.updatedAt).toBe(T0 + 100);
        await store.appendMessage(message('c1', T0 + 50));
        expect((await store.getConversation('c1'))?.updatedAt).toBe(T0 + 100);
      });

      it('keeps every row of concurrent appends', async () => {
        await conversation('c1');
        await conversation('c2');
        const batch = Array.from({ length: 200 }, (_, i) => message(i % 2 === 0 ? 'c1' : 'c2', T0 + (i % 7)));
        await Promise.all(batch.map((m) => store.appendMessage(m)));
        for (const id of ['c1', 'c2']) {
          const listed = await store.listMessages(id);
          const expected = batch.filter((m) => m.conversationId === id);
          expect(new Set(listed.map((m) => m.id))).toEqual(new Set(expected.map((m) => m.id)));
          expect(listed).toHaveLength(100);
          const times = listed.map((m) => m.createdAt);
          expect(times).toEqual([...times].sort((a, b) => a - b));
        }
        expect((await store.getConversation('c1'))?.updatedAt).toBe(T0 + 6);
      });
    });

    describe('idle deletion', () => {
      it('deletes conversations idle before the cut-off and cascades their messages', async () => {
        await conversation('old', T0);
        await conversation('edge', T0 + 1000);
        await conversation('fresh', T0);
        await store.appendMessage(message('old', T0 + 10));
        await store.appendMessage(message('fresh', T0 + 5000));
        await store.saveState('edge', { keep: true }, T0 + 1000);

        expect(await store.deleteIdleConversations(T0 + 1000)).toBe(1);
        expect(await store.getConversation('old')).toBeNull();
        expect(await store.listMessages('old')).toEqual([]);
        expect(await store.getConversation('edge')).not.toBeNull();
        expect(await store.listMessages('fresh')).toHaveLength(1);
        expect(await store.deleteIdleConversations(T0 + 1000)).toBe(0);
      });

      it('lets a deleted id be created again, empty', async () => {
        await conversation('c1', T0);
        await store.appendMessage(message('c1', T0));
        await store.deleteIdleConversations(T0 + 1);
        await conversation('c1', T0 + 2);
        expect(await store.listMessages('c1')).toEqual([]);
      });
    });

    describe('listing conversations', () => {
      it('pages newest first without skipping or repeating ties', async () => {
        const times = [5, 3, 3, 3, 9, 1, 3, 7];
        for (const [i, t] of times.entries()) await conversation(`c${i}`, T0 + t);
        const seen: string[] = [];
        let page = await store.listConversations({ limit: 3 });
        while (page.length > 0) {
          expect(page.length).toBeLessThanOrEqual(3);
          seen.push(...page.map((c) => c.id));
          const last = page[page.length - 1];
          if (last === undefined) break;
          page = await store.listConversations({ limit: 3, before: last });
        }
        expect(seen).toHaveLength(times.length);
        expect(new Set(seen).size).toBe(times.length);
        const order = await Promise.all(seen.map(async (id) => (await store.getConversation(id))?.updatedAt ?? 0));
        expect(order).toEqual([...order].sort((a, b) => b - a));
      });

      it('returns conversations in full and nothing when empty', async () => {
        expect(await store.listConversations({ limit: 10 })).toEqual([]);
        await conversation('c1');
        await store.saveState('c1', { a: 1 }, T0 + 1);
        expect(await store.listConversations({ limit: 10 })).toEqual([
          { id: 'c1', userId: 'u1', tenant: 'default', channel: 'web', tokenHash: null, createdAt: T0, updatedAt: T0 + 1, state: { a: 1 } },
        ]);
        expect(await store.listConversations({ limit: 0 })).toEqual([]);
      });
    });

    describe('settings', () => {
      it('returns null for an unknown key, then upserts', async () => {
        expect(await store.getSetting('admin_key_hash')).toBeNull();
        await store.setSetting('admin_key_hash', 'first');
        expect(await store.getSetting('admin_key_hash')).toBe('first');
        await store.setSetting('admin_key_hash', 'second');
        expect(await store.getSetting('admin_key_hash')).toBe('second');
      });

      it('keeps empty and unicode values and separate keys', async () => {
        await store.setSetting('empty', '');
        await store.setSetting('名字', '客服😀');
        expect(await store.getSetting('empty')).toBe('');
        expect(await store.getSetting('名字')).toBe('客服😀');
      });
    });

    describe('closing', () => {
      it('closes idempotently and then refuses work with store_closed', async () => {
        await store.close();
        await store.close();
        await expectStoreError(store.ping(), 'store_closed', 503);
        await expectStoreError(store.getConversation('c1'), 'store_closed', 503);
      });
    });
  });
}
