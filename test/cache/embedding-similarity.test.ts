import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteAnswerCache } from '../../src/cache/answer-cache.ts';
import { cosine, createEmbeddingSimilarity } from '../../src/cache/embedding-similarity.ts';

/** Deterministic fake embedder: one dimension per concept, synonyms share a dimension. */
const CONCEPTS = [['退货', '退回', '寄回'], ['换货', '更换'], ['运费', '邮费', '快递费'], ['谁', '哪方', '承担', '出']];
const vector = (text: string): number[] => CONCEPTS.map((words) => words.filter((w) => text.includes(w)).length > 0 ? 1 : 0);

let server: Server;
let baseURL = '';
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests++;
      const { input } = JSON.parse(body) as { input: string[] };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: vector(t) })) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const entry = (question: string, doc: string) => ({ question, lang: 'zh' as const, answer: doc, sources: [{ id: `${doc}#0`, title: doc, score: 1 }], docHashes: {}, model: 'retrieval' });

describe('embedding re-rank', () => {
  it('embeds through /v1/embeddings and memoises vectors', async () => {
    const sim = createEmbeddingSimilarity({ baseURL, model: 'fake' });
    const [a, b] = await sim.embed(['退货运费', '寄回邮费']);
    expect(cosine(a!, b!)).toBeCloseTo(1);
    const before = requests;
    await sim.embed(['退货运费']);
    expect(requests).toBe(before);
  });

  it('serves a paraphrase the lexical pass misses and picks the semantically closer candidate', async () => {
    const sim = createEmbeddingSimilarity({ baseURL, model: 'fake' });
    const cache = createSqliteAnswerCache({ path: ':memory:', rerank: { fn: sim.rerank, threshold: 0.95, minLexical: 0.05 } });
    cache.store(entry('退货运费谁承担', 'return-shipping-zh'));
    cache.store(entry('换货运费谁承担', 'exchange-policy-zh'));
    const question = '退货的邮费哪方出';
    expect(cache.lookup(question, { lang: 'zh' })).toBeNull();
    const hit = await cache.lookupAsync(question, { lang: 'zh' });
    expect(hit).toMatchObject({ match: 'embedding', answer: 'return-shipping-zh' });
    expect(await cache.lookupAsync('更换商品运费', { lang: 'zh' })).toBeNull();
    cache.close();
  });

  it('falls back to the lexical result when the endpoint fails', async () => {
    const sim = createEmbeddingSimilarity({ baseURL: 'http://127.0.0.1:1/v1', model: 'fake', timeoutMs: 500 });
    const cache = createSqliteAnswerCache({ path: ':memory:', rerank: { fn: sim.rerank, threshold: 0.9, minLexical: 0.05 } });
    cache.store(entry('退货运费谁承担', 'return-shipping-zh'));
    expect(await cache.lookupAsync('退货运费谁承担', { lang: 'zh' })).toMatchObject({ match: 'exact' });
    expect(await cache.lookupAsync('寄回的邮费哪方出', { lang: 'zh' })).toBeNull();
    cache.close();
  });
});
