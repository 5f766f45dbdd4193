import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { KbDocument } from '../../src/contracts/knowledge-base.ts';
import { isKefuError } from '../../src/errors.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { runKnowledgeBaseContract } from './knowledge-base.contract.ts';
import { useTempDir } from './temp-dir.ts';

const tempDir = useTempDir();
const nextPass = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const DOCS: KbDocument[] = [
  { id: 'ship', title: 'Shipping times', text: 'Orders paid before 16:00 ship the same day. Delivery takes 2-4 days.', lang: 'en', category: 'shipping', url: 'https://shop.example/ship' },
  { id: 'refund', title: 'Refund times', text: 'Alipay refunds arrive within 1-3 working days; bank cards take 3-7 working days.', lang: 'en', category: 'refunds' },
  { id: 'invoice', title: '电子发票', text: '确认收货后48小时内自动开具电子发票，可在订单详情下载。', lang: 'zh', category: 'invoices' },
];

runKnowledgeBaseContract('sqlite', async ({ scanner }) => createSqliteKnowledgeBase({ path: join(tempDir(), 'kb.db'), ...(scanner === undefined ? {} : { scanner }) }));

describe('SqliteKnowledgeBase', () => {
  it('ranks by BM25 and returns passages with doc fields and a confidence', async () => {
    const kb = createSqliteKnowledgeBase({ path: ':memory:' });
    try {
      expect(await kb.upsert(DOCS)).toEqual({ documents: 3, chunks: 3, unchanged: 0, quarantined: [] });
      const [top, ...rest] = await kb.search('how many days until my refund arrives', 5);
      expect(top).toMatchObject({ id: 'refund#0', docId: 'refund', title: 'Refund times', category: 'refunds' });
      expect(top?.score).toBeGreaterThan(rest[0]?.score ?? 0);
      expect((await kb.search('shipping', 1))[0]).toMatchObject({ docId: 'ship', url: 'https://shop.example/ship' });
      expect((await kb.search('发票怎么下载', 1))[0]?.docId).toBe('invoice');
      const exact = (await kb.search('refund times', 1))[0];
      expect(exact?.confidence).toBe(1);
      expect(await kb.search('the of and', 5)).toEqual([]);
      expect(await kb.search('football weather', 5)).toEqual([]);
    } finally {
      kb.close();
    }
  });

  it('weighs a title match above the same match in a body', async () => {
    const kb = createSqliteKnowledgeBase({ path: ':memory:' });
    try {
      await kb.upsert([
        { id: 'body', title: 'General questions', text: 'You can ask about warranty here, and about other things too.' },
        { id: 'title', title: 'Warranty', text: 'You can ask about repairs here, and about other things too.' },
      ]);
      expect((await kb.search('warranty', 2)).map((p) => p.docId)).toEqual(['title', 'body']);
    } finally {
      kb.close();
    }
  });

  it('persists across close and reopen', async () => {
    const path = join(tempDir(), 'nested', 'kb.sqlite');
    const kb = createSqliteKnowledgeBase({ path });
    await kb.upsert(DOCS);
    const before = await kb.search('refund bank card', 3);
    kb.close();

    const reopened = createSqliteKnowledgeBase({ path });
    try {
      expect(await reopened.stats()).toEqual({ documents: 3, chunks: 3 });
      expect(await reopened.search('refund bank card', 3)).toEqual(before);
      expect(await reopened.upsert(DOCS)).toEqual({ documents: 0, chunks: 0, unchanged: 3, quarantined: [] });
    } finally {
      reopened.close();
    }
  });

  it('updates incrementally: a changed document replaces its chunks and document frequencies', async () => {
    const kb = createSqliteKnowledgeBase({ path: join(tempDir(), 'kb.sqlite') });
    try {
      await kb.upsert(DOCS);
      expect(kb.documentFrequency('alipay')).toBe(1);
      expect(kb.documentFrequency('day')).toBe(2);
      const avgBefore = kb.corpusStats().avgdl;

      const changed: KbDocument = { id: 'refund', title: 'Refund times', text: 'WeChat Pay refunds arrive within one hour.', lang: 'en' };
      expect(await kb.upsert([changed, DOCS[0] as KbDocument])).toEqual({ documents: 1, chunks: 1, unchanged: 1, quarantined: [] });

      expect(kb.documentFrequency('alipay')).toBe(0);
      expect(kb.documentFrequency('wechat')).toBe(1);
      expect(kb.documentFrequency('day')).toBe(1);
      expect(kb.documentFrequency('refund')).toBe(1);
      expect(kb.corpusStats().avgdl).not.toBe(avgBefore);
      expect(await kb.search('alipay', 5)).toEqual([]);
      expect((await kb.search('wechat refund', 1))[0]?.text).toBe(changed.text);
      expect(await kb.stats()).toEqual({ documents: 3, chunks: 3 });
    } finally {
      kb.close();
    }
  });

  it('splits long documents into several passages and removes them all on delete', async () => {
    const kb = createSqliteKnowledgeBase({ path: ':memory:' });
    try {
      const long = Array.from({ length: 20 }, (_, i) => `第${i + 1}条：大家电由京东物流配送，送货上门前会电话预约时间。`).join('');
      expect(await kb.upsert([{ id: 'long', title: '大家电配送', text: long }, ...DOCS])).toMatchObject({ documents: 4 });
      const { chunks } = await kb.stats();
      expect(chunks).toBeGreaterThan(4);
      const passages = await kb.search('京东物流 预约', 10);
      expect(new Set(passages.map((p) => p.docId))).toEqual(new Set(['long']));
      expect(passages.map((p) => p.id)).toContain('long#1');

      expect(await kb.remove('long')).toBe(true);
      expect(await kb.remove('long')).toBe(false);
      expect(await kb.stats()).toEqual({ documents: 3, chunks: 3 });
      expect(await kb.search('京东物流', 10)).toEqual([]);
      expect(kb.documentFrequency('京东')).toBe(0);
    } finally {
      kb.close();
    }
  });

  it('rejects invalid documents without writing any of the batch', async () => {
    const kb = createSqliteKnowledgeBase({ path: ':memory:' });
    try {
      const bad = [DOCS[0] as KbDocument, { id: '', title: 'x', text: 'y' }];
      const err = await kb.upsert(bad).catch((e: unknown) => e);
      expect(isKefuError(err) && err.code === 'kb_invalid_document').toBe(true);
      expect(await kb.stats()).toEqual({ documents: 0, chunks: 0 });
    } finally {
      kb.close();
    }
  });

  it('sees writes made by another connection to the same file', async () => {
    const path = join(tempDir(), 'kb.sqlite');
    const server = createSqliteKnowledgeBase({ path });
    const cli = createSqliteKnowledgeBase({ path });
    try {
      await server.upsert(DOCS);
      // Another connection's commit is seen from the next pass of the event loop (a later request).
      await nextPass();
      expect((await cli.search('shipping', 1))[0]?.docId).toBe('ship');
      await cli.upsert([{ id: 'hours', title: 'Customer service hours', text: 'Agents work 9:00-21:00.' }]);
      await nextPass();
      expect((await server.search('customer service hours', 1))[0]?.docId).toBe('hours');
      expect(await server.stats()).toEqual({ documents: 4, chunks: 4 });
    } finally {
      cli.close();
      server.close();
    }
  });

  it('moves the revision and lists the chunks another connection wrote, but not for an import that changed nothing', async () => {
    const path = join(tempDir(), 'kb-revision.sqlite');
    const server = createSqliteKnowledgeBase({ path });
    const cli = createSqliteKnowledgeBase({ path });
    try {
      await server.upsert(DOCS);
      await nextPass();
      const before = server.revision();
      await cli.upsert([{ id: 'hours', title: 'Customer service hours', text: 'Agents work 9:00-21:00.' }]);
      await nextPass();
      const after = server.revision();
      expect(after).not.toBe(before);
      expect(await server.chunks()).toContainEqual({ id: 'hours#0', docId: 'hours', title: 'Customer service hours', text: 'Agents work 9:00-21:00.' });
      // A commit that changes no page leaves data_version alone: the server keeps its index and its revision.
      expect(await cli.upsert(DOCS)).toMatchObject({ documents: 0, unchanged: 3 });
      await nextPass();
      expect(server.revision()).toBe(after);
    } finally {
      cli.close();
      server.close();
    }
  });

  it('answers docHash with the current hash after its own writes and another connection\'s', async () => {
    const path = join(tempDir(), 'kb-hash.sqlite');
    const server = createSqliteKnowledgeBase({ path });
    const cli = createSqliteKnowledgeBase({ path });
    const raw = new Database(path, { readonly: true });
    const stored = (id: string): string | null => (raw.prepare('SELECT hash FROM documents WHERE id = ?').pluck().get(id) as string | undefined) ?? null;
    try {
      expect(server.docHash('ship')).toBeNull();
      await server.upsert(DOCS);
      const first = server.docHash('ship');
      expect(first).toBe(stored('ship'));
      expect(server.docHash('ship')).toBe(first);
      // Another process's import, seen from the next pass of the event loop; this connection's own
      // change and removal, seen at once.
      await cli.upsert([{ ...DOCS[0]!, text: 'Orders paid before 17:00 ship the same day.' }]);
      await nextPass();
      expect(server.docHash('ship')).toBe(stored('ship'));
      expect(server.docHash('ship')).not.toBe(first);
      await server.upsert([{ ...DOCS[0]!, text: 'Orders paid before 18:00 ship the same day.' }]);
      expect(server.docHash('ship')).toBe(stored('ship'));
      await cli.remove('refund');
      await nextPass();
      expect(server.docHash('refund')).toBeNull();
      await server.remove('ship');
      expect(server.docHash('ship')).toBeNull();
    } finally {
      raw.close();
      cli.close();
      server.close();
    }
  });

  it('serves passages as stored after its own writes and another connection\'s, though it keeps recent rows', async () => {
    const path = join(tempDir(), 'kb-rows.sqlite');
    const server = createSqliteKnowledgeBase({ path });
    const cli = createSqliteKnowledgeBase({ path });
    const raw = new Database(path);
    const title = async (): Promise<string | undefined> => (await server.search('shipping same day', 3)).find((p) => p.docId === 'ship')?.title;
    try {
      await server.upsert(DOCS);
      expect(await title()).toBe('Shipping times');
      expect(await title()).toBe('Shipping times');
      // A writer that leaves the chunk rows (and their ids) alone: only data_version tells.
      raw.prepare('UPDATE documents SET title = ? WHERE id = ?').run('Dispatch times', 'ship');
      expect(await title()).toBe('Shipping times');
      await nextPass();
      expect(await title()).toBe('Dispatch times');
      await cli.upsert([{ ...DOCS[0]!, title: 'Delivery times' }]);
      await nextPass();
      expect(await title()).toBe('Delivery times');
      // This connection's own write, seen at once.
      await server.upsert([{ ...DOCS[0]!, title: 'Shipping and delivery' }]);
      expect(await title()).toBe('Shipping and delivery');
      await server.remove('ship');
      expect(await title()).toBeUndefined();
    } finally {
      raw.close();
      cli.close();
      server.close();
    }
  });

  it('re-indexes stored documents when the file was built by another tokenizer version', async () => {
    const path = join(tempDir(), 'kb.sqlite');
    const kb = createSqliteKnowledgeBase({ path });
    await kb.upsert(DOCS);
    kb.close();
    const raw = new Database(path);
    raw.exec("UPDATE meta SET value = 'old' WHERE key = 'index_version'; DELETE FROM postings; DELETE FROM terms;");
    raw.close();

    const reopened = createSqliteKnowledgeBase({ path });
    try {
      expect(await reopened.stats()).toEqual({ documents: 3, chunks: 3 });
      expect((await reopened.search('refund', 1))[0]?.docId).toBe('refund');
      expect(reopened.documentFrequency('day')).toBe(2);
    } finally {
      reopened.close();
    }
  });
});
