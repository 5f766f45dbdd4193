import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConfidentPassage } from '../../src/knowledge/confidence.ts';
import { importKnowledge } from '../../src/knowledge/import-kb.ts';
import { loadKbFiles } from '../../src/knowledge/load-kb-files.ts';
import { createSqliteKnowledgeBase, type SqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { useTempDir } from './temp-dir.ts';

const DEMO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'kb', 'demo-shop');
const tempDir = useTempDir();

describe('demo shop knowledge base (kb/demo-shop)', () => {
  let kb: SqliteKnowledgeBase;
  beforeAll(async () => {
    kb = createSqliteKnowledgeBase({ path: ':memory:' });
    await importKnowledge(kb, [DEMO]);
  });
  afterAll(() => kb.close());

  it('ships at least 90 bilingual entries in jsonl, markdown and csv', async () => {
    const { files, documents } = await loadKbFiles([DEMO]);
    expect(documents.length).toBeGreaterThanOrEqual(90);
    for (const ext of ['.jsonl', '.md', '.csv']) expect(files.some((f) => f.endsWith(ext)), ext).toBe(true);
    const categories = new Set(documents.map((d) => d.category).filter((c) => c !== undefined));
    for (const c of categories) {
      const langs = new Set(documents.filter((d) => d.category === c).map((d) => d.lang));
      expect(langs, `category ${c}`).toEqual(new Set(['zh', 'en']));
    }
    for (const t of ['shipping', 'logistics', 'returns', 'refunds', 'exchanges', 'invoices', 'orders', 'promotions', 'membership', 'warranty', 'installation', 'payment', 'contact']) {
      expect(categories.has(t), t).toBe(true);
    }
  });

  it.each([
    ['你们的退货政策是什么?', 'return-policy-zh'],
    ['七天无理由退货', 'return-policy-zh'],
    ['How long does shipping take?', 'ship-times-en'],
    ['运费多少', 'ship-fees-zh'],
    ['退款多久到账', 'refund-timeline-zh'],
    ['能开增值税专用发票吗', 'invoice-vat-zh'],
    ['已经发货了还能改地址吗', 'address-wrong-zh'],
    ['怎么取消订单', 'cancel-order-zh'],
    ['降价了能退差价吗', 'price-protect-zh'],
    ['保修多久', 'warranty-policy-zh'],
    ['热水器安装', 'install-heater-zh'],
    ['扣了两次钱', 'pay-double-zh'],
    ['人工客服几点上班', 'contact-hours-zh'],
    ['物流不更新', 'track-stuck-zh'],
    ['Which items cannot be returned?', 'return-exceptions-en'],
    ['change my address', 'address-change-en'],
    ['double charged', 'pay-double-en'],
    ['wall mount TV installation', 'install-tv-en'],
    ['customer service hours', 'contact-hours-en'],
    ['How do I get a VAT invoice?', 'invoice-vat-en'],
    // Phrasings the KB words differently ("开具发票") or with a lone verb ("发").
    ['怎么开发票?', 'invoice-vat-zh'],
    ['发什么快递?', 'carriers-zh'],
  ])('%s → %s at rank 1, confidently', async (query, docId) => {
    const [top] = await kb.search(query, 3);
    expect(top?.docId).toBe(docId);
    expect(top !== undefined && isConfidentPassage(top)).toBe(true);
  });

  it.each(['今天天气怎么样', '给我讲个笑话', 'what is the capital of France', 'iPhone 15 多少钱', '我想买一台洗衣机', '你们卖汽车轮胎吗?', '谁赢了足球比赛'])(
    'off-topic "%s" gets no confident passage',
    async (query) => {
      const passages = await kb.search(query, 3);
      expect(passages.filter((p) => isConfidentPassage(p))).toEqual([]);
    },
  );

  it('keeps the same answers in a persisted file', async () => {
    const path = join(tempDir(), 'demo.sqlite');
    const fileKb = createSqliteKnowledgeBase({ path });
    await importKnowledge(fileKb, [DEMO]);
    fileKb.close();
    const reopened = createSqliteKnowledgeBase({ path });
    try {
      expect((await reopened.search('七天无理由退货', 1))[0]?.docId).toBe('return-policy-zh');
      expect(await reopened.stats()).toEqual(await kb.stats());
    } finally {
      reopened.close();
    }
  });
});
