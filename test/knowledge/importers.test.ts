import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKefuError, type KefuError } from '../../src/errors.ts';
import { importKnowledge } from '../../src/knowledge/import-kb.ts';
import { loadKbFiles } from '../../src/knowledge/load-kb-files.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { useTempDir } from './temp-dir.ts';

const tempDir = useTempDir();

function write(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function kbError(p: Promise<unknown>): Promise<KefuError> {
  try {
    await p;
  } catch (e) {
    if (isKefuError(e)) return e;
    throw e;
  }
  throw new Error('expected a KefuError');
}

describe('knowledge importers', () => {
  it('reads JSONL, skipping blank lines and ignoring unknown fields', async () => {
    const dir = tempDir();
    const file = write(dir, 'faq.jsonl', [
      '{"id":"a","title":"退货政策","text":"支持7天无理由退货。","lang":"zh","category":"returns","extra":42}',
      '',
      '{"title":"Shipping","text":"Orders ship within 24 hours."}',
    ].join('\n'));
    const { documents } = await loadKbFiles([file]);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toEqual({ id: 'a', title: '退货政策', text: '支持7天无理由退货。', lang: 'zh', category: 'returns', source: 'faq.jsonl' });
    expect(documents[1]?.lang).toBe('en');
    expect(documents[1]?.id).toMatch(/^faq-[0-9a-f]{12}$/);
  });

  it('reads a JSON array and a { documents: [...] } object', async () => {
    const dir = tempDir();
    write(dir, 'a.json', JSON.stringify([{ id: 1, question: 'Invoice?', answer: 'Issued within 48 hours.' }]));
    write(dir, 'b.json', JSON.stringify({ documents: [{ id: 'b1', title: '发票', text: '确认收货后48小时内开具。', url: 'https://shop.example/invoice' }] }));
    const { documents } = await loadKbFiles([dir]);
    expect(documents.map((d) => d.id)).toEqual(['1', 'b1']);
    expect(documents[0]?.title).toBe('Invoice?');
    expect(documents[1]?.url).toBe('https://shop.example/invoice');
  });

  it('reads CSV with a BOM, question/answer headers and quoted multi-line fields', async () => {
    const dir = tempDir();
    const file = write(dir, 'qa.csv', '\uFEFFQuestion,Answer,Category,Notes\n"How do I pay?","Alipay, WeChat Pay\nor bank card.",payment,ignored\n运费多少,满99元包邮。,shipping,\n');
    const { documents } = await loadKbFiles([file]);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({ title: 'How do I pay?', text: 'Alipay, WeChat Pay\nor bank card.', category: 'payment', lang: 'en' });
    expect(documents[1]).toMatchObject({ title: '运费多少', text: '满99元包邮。', lang: 'zh' });
  });

  it('splits markdown at headings, ignoring headings in code fences and empty sections', async () => {
    const dir = tempDir();
    const file = write(dir, 'guide.md', [
      '# Kefu guide', '', '## Install the TV', 'Use the bracket.', '```', '# not a heading', '```', '',
      '## 安装热水器 ##', '需要16A插座。', '## Empty', '',
    ].join('\n'));
    const { documents } = await loadKbFiles([file]);
    expect(documents.map((d) => d.title)).toEqual(['Install the TV', '安装热水器']);
    expect(documents[0]?.text).toBe('Use the bracket.\n```\n# not a heading\n```');
    expect(documents[1]?.lang).toBe('zh');
  });

  it('derives the same ids on every import, and reads folders recursively', async () => {
    const dir = tempDir();
    write(dir, 'nested/deeper/notes.md', '## Gift wrap\n5 yuan per item.\n');
    write(dir, 'nested/readme.txt', 'not knowledge');
    write(dir, '.hidden/x.jsonl', '{"id":"hidden","title":"h","text":"h"}');
    const first = await loadKbFiles([dir]);
    const second = await loadKbFiles([dir]);
    expect(first.files).toEqual([join(dir, 'nested/deeper/notes.md')]);
    expect(first.documents).toHaveLength(1);
    expect(first.documents[0]?.source).toBe('nested/deeper/notes.md');
    expect(first.documents[0]?.id).toBe(second.documents[0]?.id);
  });

  it.each([
    ['bad.jsonl', '{"id":"ok","title":"t","text":"x"}\n{"id":"broken", "title": }\n', /bad\.jsonl:2: invalid JSON/],
    ['notext.jsonl', '{"id":"ok","title":"t","text":"x"}\n\n{"id":"n","title":"no text"}\n', /notext\.jsonl:3: entry has no text/],
    ['bad.json', '[\n  {"id": "a", "title": "t", "text": "x"},\n  {"id": "b" "title": "t"}\n]', /bad\.json:3: invalid JSON/],
    ['shape.json', '{"items": []}', /shape\.json:1: expected an array/],
    ['entry.json', '[{"id":"a","text":"x"}, 5]', /entry\.json \(entry #2\): entry must be an object/],
    ['quote.csv', 'id,title,text\na,t,"unclosed\n', /quote\.csv:\d+: invalid CSV/],
    ['columns.csv', 'id,title,text\na,t,x\nb,t,x,extra\n', /columns\.csv:3: invalid CSV/],
    ['header.csv', 'id,name,value\n1,a,b\n', /header\.csv:1: header must name a "text" or "answer" column/],
  ])('rejects %s with kb_invalid_file naming the file and line', async (name, content, message) => {
    const dir = tempDir();
    const file = write(dir, name, content);
    const err = await kbError(loadKbFiles([file]));
    expect(err.code).toBe('kb_invalid_file');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(file);
  });

  it('rejects unsupported files, missing paths and duplicate ids across files', async () => {
    const dir = tempDir();
    expect((await kbError(loadKbFiles([write(dir, 'kb.txt', 'x')]))).message).toMatch(/unsupported file type/);
    expect((await kbError(loadKbFiles([join(dir, 'missing')]))).message).toMatch(/no such file or folder/);
    write(dir, 'kb/a.jsonl', '{"id":"same","title":"a","text":"a"}');
    write(dir, 'kb/b.jsonl', '{"id":"same","title":"b","text":"b"}');
    expect((await kbError(loadKbFiles([join(dir, 'kb')]))).message).toMatch(/duplicate id "same"/);
  });

  it('a bad file leaves the existing index intact', async () => {
    const dir = tempDir();
    const kb = createSqliteKnowledgeBase({ path: join(dir, 'kb.sqlite') });
    try {
      write(dir, 'good/faq.jsonl', '{"id":"refund","title":"Refund time","text":"Refunds arrive within 3 working days."}\n');
      await importKnowledge(kb, [join(dir, 'good')]);
      const before = await kb.search('refund', 3);
      expect(before[0]?.docId).toBe('refund');

      // One good file changing the same document, one broken file: nothing may be written.
      write(dir, 'mixed/a.jsonl', '{"id":"refund","title":"Refund time","text":"Refunds now take forever."}\n');
      write(dir, 'mixed/b.csv', 'id,title,text\nx,"unclosed,y\n');
      const err = await kbError(importKnowledge(kb, [join(dir, 'mixed')]));
      expect(err.code).toBe('kb_invalid_file');
      expect(await kb.stats()).toEqual({ documents: 1, chunks: 1 });
      expect(await kb.search('refund', 3)).toEqual(before);
      expect(await kb.search('forever', 3)).toHaveLength(0);
    } finally {
      kb.close();
    }
  });

  it('imports every format into SQLite and finds them', async () => {
    const dir = tempDir();
    write(dir, 'kb/a.jsonl', '{"id":"j","title":"Gift cards","text":"Gift cards never expire."}\n');
    write(dir, 'kb/b.json', '[{"id":"k","title":"Loyalty points","text":"Points expire after one year."}]');
    write(dir, 'kb/c.csv', 'id,title,text\nc1,Restock alerts,We notify you when an item is back in stock.\n');
    write(dir, 'kb/d.md', '## Gift wrapping\nGift wrapping costs 5 yuan.\n');
    const kb = createSqliteKnowledgeBase({ path: join(dir, 'kb.sqlite') });
    try {
      const progress: number[] = [];
      const result = await importKnowledge(kb, [join(dir, 'kb')], (p) => progress.push(p.done));
      expect(result).toEqual({ files: 4, found: 4, documents: 4, chunks: 4, quarantined: [] });
      expect(progress.at(-1)).toBe(4);
      expect((await kb.search('gift card expire', 1))[0]?.docId).toBe('j');
      expect((await kb.search('loyalty points', 1))[0]?.docId).toBe('k');
      expect((await kb.search('back in stock', 1))[0]?.docId).toBe('c1');
      expect((await kb.search('wrapping', 1))[0]?.title).toBe('Gift wrapping');
      // A second import of unchanged files writes nothing.
      expect(await importKnowledge(kb, [join(dir, 'kb')])).toEqual({ files: 4, found: 4, documents: 0, chunks: 0, quarantined: [] });
    } finally {
      kb.close();
    }
  });
});
