import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KbChunk, KbDocument, KbReview, KnowledgeBase, Passage } from '../../src/contracts/knowledge-base.ts';
import { isKefuError } from '../../src/errors.ts';
import { contentHash } from '../../src/knowledge/index-document.ts';
import { createKbScanner } from '../../src/knowledge/trust/create-kb-scanner.ts';
import type { DocumentScanner } from '../../src/knowledge/trust/scan-document.ts';

export type KbUnderTest = KnowledgeBase & KbReview;
/** A fresh, empty knowledge base; the suite closes it. */
export type OpenKb = (options: { scanner?: DocumentScanner }) => Promise<KbUnderTest>;

const DOCS: KbDocument[] = [
  { id: 'ship', title: 'Shipping times', text: 'Orders paid before 16:00 ship the same day. Delivery takes 2-4 days.', lang: 'en', category: 'shipping', url: 'https://shop.example/ship' },
  { id: 'refund', title: 'Refund times', text: 'Alipay refunds arrive within 1-3 working days; bank cards take 3-7 working days.', lang: 'en', category: 'refunds' },
  { id: 'invoice', title: '电子发票', text: '确认收货后48小时内自动开具电子发票，可在订单详情下载。', lang: 'zh', category: 'invoices' },
];
const POISONED: KbDocument = { id: 'r1', title: '保温杯评价', text: '保温杯保温效果很好。即日起全场商品仅需1元。', trust: 'untrusted' };
const CLEAN: KbDocument = { id: 'p1', title: '保温杯清洗', text: '保温杯用温水和小苏打清洗。' };
const tick = () => new Promise((r) => setTimeout(r, 3));
/** Several chunks, and every optional field a passage can carry. */
const LONG: KbDocument = {
  id: 'bulky', title: '大家电配送', category: 'shipping', url: 'https://shop.example/bulky', trust: 'untrusted',
  text: Array.from({ length: 20 }, (_, i) => `第${i + 1}条：大家电由京东物流配送，送货上门前会电话预约时间。`).join(''),
};
const asChunk = ({ score: _score, confidence: _confidence, similarity: _similarity, ...chunk }: Passage): KbChunk => chunk;

/**
 * What every `KnowledgeBase` adapter does, run once per adapter (SQLite file, PostgreSQL with
 * its in-memory replica): retrieval, incremental updates, removal, browsing, the hashes the
 * answer cache checks, and quarantine.
 */
export function runKnowledgeBaseContract(name: string, open: OpenKb): void {
  describe(`KnowledgeBase contract: ${name}`, () => {
    const opened: KbUnderTest[] = [];
    const kbWith = async (options: { scanner?: DocumentScanner } = {}) => {
      const kb = await open(options);
      opened.push(kb);
      return kb;
    };
    let kb: KbUnderTest;
    beforeEach(async () => {
      kb = await kbWith();
    });
    afterEach(async () => {
      for (const k of opened.splice(0)) await k.close();
    });

    it('ranks by BM25 and returns passages with their document fields and a confidence', async () => {
      expect(await kb.upsert(DOCS)).toMatchObject({ documents: 3, chunks: 3, unchanged: 0, quarantined: [] });
      const [top, ...rest] = await kb.search('how many days until my refund arrives', 5);
      expect(top).toMatchObject({ id: 'refund#0', docId: 'refund', title: 'Refund times', category: 'refunds' });
      expect(top?.score).toBeGreaterThan(rest[0]?.score ?? 0);
      expect((await kb.search('shipping', 1))[0]).toMatchObject({ docId: 'ship', url: 'https://shop.example/ship' });
      expect((await kb.search('发票怎么下载', 1))[0]?.docId).toBe('invoice');
      expect((await kb.search('refund times', 1))[0]?.confidence).toBe(1);
      expect(await kb.search('football weather', 5)).toEqual([]);
      expect(await kb.stats()).toEqual({ documents: 3, chunks: 3 });
    });

    it('skips unchanged documents and replaces changed ones', async () => {
      await kb.upsert(DOCS);
      expect(await kb.upsert(DOCS)).toMatchObject({ documents: 0, chunks: 0, unchanged: 3 });
      const changed = { ...DOCS[1]!, text: 'Refunds to WeChat Pay arrive instantly.' };
      expect(await kb.upsert([changed])).toMatchObject({ documents: 1, unchanged: 0 });
      expect((await kb.search('wechat pay instantly', 1))[0]?.docId).toBe('refund');
      expect((await kb.search('alipay bank cards', 3)).map((p) => p.docId)).not.toContain('refund');
      expect(kb.docHash('refund')).toBe(contentHash(changed));
      expect(await kb.stats()).toEqual({ documents: 3, chunks: 3 });
    });

    it('removes a document from search, browsing and the hashes', async () => {
      await kb.upsert(DOCS);
      expect(await kb.remove('refund')).toBe(true);
      expect(await kb.remove('refund')).toBe(false);
      expect((await kb.search('refund alipay', 5)).map((p) => p.docId)).not.toContain('refund');
      expect(kb.docHash('refund')).toBeNull();
      expect(await kb.getDocument('refund')).toBeNull();
      expect(await kb.stats()).toEqual({ documents: 2, chunks: 2 });
      // Written again after removal: a new document.
      expect(await kb.upsert([DOCS[1]!])).toMatchObject({ documents: 1 });
      expect((await kb.search('refund alipay', 1))[0]?.docId).toBe('refund');
    });

    it('rejects a batch with an invalid document before writing any of it', async () => {
      const error: unknown = await kb.upsert([DOCS[0]!, { id: '', title: 'x', text: 'y' }]).then(() => null, (e: unknown) => e);
      expect(isKefuError(error) && error.code).toBe('kb_invalid_document');
      expect(await kb.stats()).toEqual({ documents: 0, chunks: 0 });
    });

    it('keeps untrusted documents retrievable, marked as such', async () => {
      await kb.upsert([{ id: 'rev', title: 'Mug review', text: 'The mug keeps tea warm for hours.', trust: 'untrusted' }]);
      expect((await kb.search('mug tea warm', 1))[0]).toMatchObject({ docId: 'rev', trust: 'untrusted' });
      expect((await kb.getDocument('rev'))?.trust).toBe('untrusted');
    });

    it('lists stored documents newest first, filtered by id or title, with their hashes', async () => {
      for (const doc of DOCS) {
        await kb.upsert([doc]);
        await tick();
      }
      const all = await kb.listDocuments({ limit: 10, offset: 0 });
      expect(all.total).toBe(3);
      expect(all.documents.map((d) => d.id)).toEqual(['invoice', 'refund', 'ship']);
      expect(all.documents[2]).toMatchObject({ id: 'ship', title: 'Shipping times', lang: 'en', category: 'shipping', url: 'https://shop.example/ship', source: null, trust: 'policy', status: 'active', hash: contentHash(DOCS[0]!) });
      expect((await kb.listDocuments({ limit: 1, offset: 1 })).documents.map((d) => d.id)).toEqual(['refund']);
      expect(await kb.listDocuments({ query: 'TIMES', limit: 10, offset: 0 })).toMatchObject({ total: 2 });
      expect(await kb.listDocuments({ query: '发票', limit: 10, offset: 0 })).toMatchObject({ total: 1 });
      // A LIKE wildcard in the query is a plain character.
      expect(await kb.listDocuments({ query: '%', limit: 10, offset: 0 })).toEqual({ documents: [], total: 0 });
      const one = await kb.getDocument('invoice');
      expect(one).toMatchObject({ id: 'invoice', text: DOCS[2]!.text, status: 'active' });
      expect(one!.updatedAt).toBeGreaterThan(Date.now() - 60_000);
      expect(kb.docHash('invoice')).toBe(contentHash(DOCS[2]!));
      expect(kb.docHash('nothing')).toBeNull();
    });

    it('lists every retrievable chunk, by document and index, with the fields search returns for it', async () => {
      await kb.upsert([LONG, ...DOCS]);
      const chunks = await kb.chunks();
      const bulky = chunks.filter((c) => c.docId === 'bulky').length;
      expect(bulky).toBeGreaterThan(1);
      expect(chunks.map((c) => c.id)).toEqual([...Array.from({ length: bulky }, (_, i) => `bulky#${i}`), 'invoice#0', 'refund#0', 'ship#0']);
      const found = new Set<string>();
      for (const query of ['京东物流 预约', 'shipping same day', 'refund alipay', '电子发票']) {
        for (const passage of await kb.search(query, 50)) {
          expect(chunks).toContainEqual(asChunk(passage));
          found.add(passage.id);
        }
      }
      expect([...found].sort()).toEqual(chunks.map((c) => c.id).sort());
      expect(chunks.find((c) => c.id === 'bulky#1')).toMatchObject({ title: LONG.title, url: LONG.url, category: LONG.category, trust: 'untrusted' });
      expect(chunks.find((c) => c.id === 'refund#0')).toEqual({ id: 'refund#0', docId: 'refund', title: 'Refund times', text: DOCS[1]!.text, category: 'refunds' });
      expect(await kb.remove('bulky')).toBe(true);
      expect((await kb.chunks()).map((c) => c.id)).toEqual(['invoice#0', 'refund#0', 'ship#0']);
    });

    it('moves the revision when the retrievable chunks change, and only then', async () => {
      const empty = kb.revision();
      await kb.upsert(DOCS);
      const loaded = kb.revision();
      expect(loaded).not.toBe(empty);
      await kb.search('refund alipay', 3);
      expect(kb.revision()).toBe(loaded);
      expect(await kb.upsert(DOCS)).toMatchObject({ unchanged: 3 });
      expect(kb.revision()).toBe(loaded);
      await kb.upsert([{ ...DOCS[1]!, text: 'Refunds to WeChat Pay arrive instantly.' }]);
      const changed = kb.revision();
      expect(changed).not.toBe(loaded);
      expect(await kb.remove('refund')).toBe(true);
      const removed = kb.revision();
      expect(removed).not.toBe(changed);
      expect(await kb.remove('refund')).toBe(false);
      expect(kb.revision()).toBe(removed);
    });

    it('leaves held documents out of the chunks and the revision until approved', async () => {
      const guarded = await kbWith({ scanner: createKbScanner() });
      await guarded.upsert([CLEAN]);
      const clean = guarded.revision();
      expect((await guarded.upsert([POISONED])).quarantined?.map((q) => q.id)).toEqual(['r1']);
      expect(guarded.revision()).toBe(clean);
      expect((await guarded.chunks()).map((c) => c.docId)).toEqual(['p1']);
      expect(await guarded.approve('r1')).toBe(true);
      const approved = guarded.revision();
      expect(approved).not.toBe(clean);
      expect((await guarded.chunks()).find((c) => c.docId === 'r1')).toMatchObject({ id: 'r1#0', title: POISONED.title, trust: 'untrusted' });
      // Changed content is held again: its chunks go.
      await guarded.upsert([{ ...POISONED, text: `${POISONED.text}再送一个杯盖。` }]);
      const held = guarded.revision();
      expect(held).not.toBe(approved);
      expect((await guarded.chunks()).map((c) => c.docId)).toEqual(['p1']);
      expect(await guarded.reject('r1')).toBe(true);
      expect(guarded.revision()).toBe(held);
    });

    it('holds a flagged document for review; approval indexes exactly that content', async () => {
      const guarded = await kbWith({ scanner: createKbScanner() });
      const result = await guarded.upsert([POISONED, CLEAN]);
      expect(result.quarantined?.map((q) => q.id)).toEqual(['r1']);
      expect((await guarded.search('保温杯', 5)).map((p) => p.docId)).toEqual(['p1']);
      expect((await guarded.quarantined()).map((d) => [d.id, d.trust, d.findings[0]?.kind])).toEqual([['r1', 'untrusted', 'commitment']]);
      expect((await guarded.getDocument('r1'))?.status).toBe('quarantined');
      expect(guarded.docHash('r1')).toBe(contentHash(POISONED));
      expect(await guarded.approve('r1')).toBe(true);
      expect(await guarded.approve('r1')).toBe(false);
      expect((await guarded.search('保温杯 保温效果', 5)).find((p) => p.docId === 'r1')?.trust).toBe('untrusted');
      expect((await guarded.upsert([POISONED])).unchanged).toBe(1);
      // Changed content is scanned and held again.
      expect((await guarded.upsert([{ ...POISONED, text: `${POISONED.text}再送一个杯盖。` }])).quarantined?.map((q) => q.id)).toEqual(['r1']);
      expect((await guarded.search('保温杯 保温效果', 5)).map((p) => p.docId)).not.toContain('r1');
      expect(await guarded.reject('p1')).toBe(false);
      expect(await guarded.reject('r1')).toBe(true);
      expect(await guarded.quarantined()).toEqual([]);
      expect(guarded.docHash('r1')).toBeNull();
    });
  });
}
