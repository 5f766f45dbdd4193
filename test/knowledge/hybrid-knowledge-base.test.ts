import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KbDocument } from '../../src/contracts/knowledge-base.ts';
import { CONFIDENT_PASSAGE } from '../../src/knowledge/confidence.ts';
import { HybridKnowledgeBase, type HybridSettings } from '../../src/knowledge/hybrid/hybrid-knowledge-base.ts';
import { outstandingSimilarity } from '../../src/knowledge/hybrid/outstanding-similarity.ts';
import { holderGone, leaseOwner } from '../../src/knowledge/hybrid/lease-owner.ts';
import { VectorCache } from '../../src/knowledge/hybrid/vector-cache.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { createOpenAICompatibleEmbeddings } from '../../src/llm/openai-compatible-embeddings.ts';
import { startFakeEmbeddingServer, type FakeEmbeddingServer } from '../support/fake-embedding-server.ts';

/** A bike rental's passages: the customer's words for two of them are not the shop's. */
const DOCS: KbDocument[] = [
  { id: 'breakdowns', title: 'Breakdowns on the road', text: 'If a tyre is punctured during your rental, call us: we bring a replacement bike within the hour, free of charge.' },
  { id: 'returns', title: 'Returning the bike', text: 'Bikes returned late are charged 5 yuan per started hour on top of the rental.' },
  { id: 'prices', title: 'Rental prices and deposit', text: 'A city bike costs 20 yuan per hour or 80 yuan per day. Each bike needs a 500 yuan deposit.' },
  { id: 'hours', title: 'Opening hours', text: 'The shop is open every day from 8:00 to 19:00.' },
];

describe('hybrid retrieval: BM25 and an embedding server over a SQLite knowledge base', () => {
  let fake: FakeEmbeddingServer;
  let dir: string;
  const open: HybridKnowledgeBase[] = [];
  const embeddings = (model: string | null = 'fake-embed') => createOpenAICompatibleEmbeddings({ baseURL: fake.baseUrl, model, apiKey: 'k-emb', timeoutMs: 2000 });
  const hybridAt = (d: string, model: string | null = 'fake-embed', inner = createSqliteKnowledgeBase({ path: path.join(d, 'kb.db') }), more: Partial<HybridSettings> = {}): HybridKnowledgeBase => {
    const kb = new HybridKnowledgeBase(
      inner,
      Object.assign({ model: embeddings(model), cache: new VectorCache(path.join(d, 'embeddings.db')), minSimilarity: 0.7, retryMs: 0 }, more),
    );
    open.push(kb);
    return kb;
  };

  /** A fresh data dir whose knowledge base was imported, embedded and closed (a restart follows). */
  const embeddedOnceAndClosed = async (): Promise<void> => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    const first = hybridAt(dir);
    await first.upsert(DOCS);
    await first.idle();
    await first.close();
    open.splice(open.indexOf(first), 1);
  };

  beforeAll(async () => {
    fake = await startFakeEmbeddingServer();
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((kb) => kb.close()));
    rmSync(dir, { recursive: true, force: true });
    fake.mode = { kind: 'ok' };
    fake.requests.length = 0;
  });

  it('finds the passage a question means in other words, which BM25 alone does not ground', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    const bm25 = createSqliteKnowledgeBase({ path: path.join(dir, 'bm25-only.db') });
    await bm25.upsert(DOCS);
    const lexical = await bm25.search('I got a flat, what now?', 5);
    expect(lexical.some((p) => p.docId === 'breakdowns' && (p.confidence ?? 0) >= CONFIDENT_PASSAGE)).toBe(false);
    await bm25.close();

    const kb = hybridAt(dir);
    await kb.upsert(DOCS);
    await kb.idle();
    const [top] = await kb.search('I got a flat, what now?', 5);
    expect(top?.docId).toBe('breakdowns');
    expect(top!.similarity).toBeGreaterThanOrEqual(0.7);
    expect(top!.confidence).toBeGreaterThanOrEqual(CONFIDENT_PASSAGE);
    const [late] = await kb.search('What do you charge when I am overdue?', 5);
    expect(late?.docId).toBe('returns');
    // The embedding server saw the key and the model name, and each chunk once.
    expect(fake.requests[0]).toMatchObject({ authorization: 'Bearer k-emb', model: 'fake-embed' });
    const chunkInputs = fake.requests.flatMap((r) => r.input).filter((t) => t.includes('\n'));
    expect(chunkInputs).toHaveLength(DOCS.length);
  });

  it('keeps BM25 first where the words match, and gives similarity only at or above the threshold', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    const kb = hybridAt(dir);
    await kb.upsert(DOCS);
    await kb.idle();
    const results = await kb.search('How much is the deposit for a city bike?', 5);
    expect(results[0]?.docId).toBe('prices');
    expect(results[0]!.score).toBe(1);
    for (const p of results) if (p.docId !== 'prices') expect(p.score).toBeLessThan(1);
    // A vector-only match below the threshold never enters.
    expect(results.every((p) => p.score > 0)).toBe(true);
  });

  it('drops a removed document at once and adds a new one when its vector is in', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    const kb = hybridAt(dir);
    await kb.upsert(DOCS);
    await kb.idle();
    await kb.remove('breakdowns');
    expect((await kb.search('I got a flat, what now?', 5)).map((p) => p.docId)).not.toContain('breakdowns');
    await kb.upsert([{ id: 'allergens', title: 'Cakes for special diets', text: 'Our almond cake is gluten free.' }]);
    await kb.idle();
    const [top] = await kb.search('Anything for a coeliac?', 5);
    expect(top?.docId).toBe('allergens');
  });

  /** How many times each chunk's text was sent to the embedding server. */
  const chunkAsks = (): number[] => DOCS.map((d) => fake.requests.flatMap((r) => r.input).filter((t) => t === `${d.title}\n${d.text}`).length);

  it('asks the server for each chunk once when processes share the data dir, and every one of them searches with the vectors', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    // As the workers of `kefu serve --workers 3`: one knowledge base file, one embeddings.db, a connection each.
    const workers = [0, 1, 2].map(() => hybridAt(dir, 'fake-embed', undefined, { pollMs: 20 }));
    await workers[0]!.upsert(DOCS);
    await Promise.all(workers.map((w) => w.warm()));
    await Promise.all(workers.map((w) => w.idle()));
    expect(chunkAsks()).toEqual(DOCS.map(() => 1));
    for (const w of workers) {
      const [top] = await w.search('I got a flat, what now?', 5);
      expect(top?.docId).toBe('breakdowns');
      expect(top?.similarity).toBeGreaterThan(0.7);
    }
  });

  it('takes over the embedding from a process that stopped halfway, once its lease has run out', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    const ghost = new VectorCache(path.join(dir, 'embeddings.db'));
    expect(ghost.claim(embeddings().id, 'a worker that was killed', 300)).toBe(true);
    ghost.close();
    const kb = hybridAt(dir, 'fake-embed', undefined, { pollMs: 20, leaseMs: 5000 });
    await kb.upsert(DOCS);
    const started = Date.now();
    await kb.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(chunkAsks()).toEqual(DOCS.map(() => 1));
    expect(kb.vectorStats()).toMatchObject({ chunks: DOCS.length, embedded: DOCS.length });
  });

  it('takes over at once from a holder on this machine whose process has ended (a server killed and started again)', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    const cache = new VectorCache(path.join(dir, 'embeddings.db'));
    const id = embeddings().id;
    // A holder that is alive, or on another host, keeps its lease.
    for (const holder of [`${process.pid} ${hostname()} alive`, `${deadPid} another-host elsewhere`]) {
      expect(cache.claim(id, holder, 60_000)).toBe(true);
      expect(cache.claim(id, leaseOwner(), 60_000, holderGone)).toBe(false);
      cache.release(id, holder);
    }
    expect(cache.claim(id, `${deadPid} ${hostname()} killed-server`, 60_000)).toBe(true);
    cache.close();
    const kb = hybridAt(dir, 'fake-embed', undefined, { pollMs: 20, leaseMs: 60_000 });
    await kb.upsert(DOCS);
    const started = Date.now();
    await kb.idle();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(chunkAsks()).toEqual(DOCS.map(() => 1));
  });

  it('answers with BM25 when the embedding server is down, and embeds once it is back', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    fake.mode = { kind: 'status', status: 503 };
    const kb = hybridAt(dir);
    await kb.upsert(DOCS);
    await kb.idle();
    const down = await kb.search('How much is the deposit for a city bike?', 5);
    expect(down[0]?.docId).toBe('prices');
    expect(down[0]!.similarity).toBeUndefined();
    fake.mode = { kind: 'ok' };
    await kb.search('warm up', 1);
    await kb.idle();
    const [top] = await kb.search('I got a flat, what now?', 5);
    expect(top?.docId).toBe('breakdowns');
  });

  it('keeps chunk vectors across a restart, and never mixes two models', async () => {
    await embeddedOnceAndClosed();
    fake.requests.length = 0;

    const again = hybridAt(dir);
    await again.idle();
    expect((await again.search('I got a flat, what now?', 5))[0]?.docId).toBe('breakdowns');
    expect(fake.requests.flatMap((r) => r.input)).toEqual(['I got a flat, what now?']);
    await again.close();
    open.splice(open.indexOf(again), 1);
    fake.requests.length = 0;

    const other = hybridAt(dir, 'another-model');
    await other.idle();
    expect(fake.requests.flatMap((r) => r.input).filter((t) => t.includes('\n'))).toHaveLength(DOCS.length);
  });

  it('does not answer from the nearest passage when the model puts every text near every other', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-hybrid-'));
    // Forty passages and a model whose unrelated texts are at cosine 0.8 and more: the threshold alone lets anything in.
    fake.mode = { kind: 'ok', shared: 3 };
    const filler: KbDocument[] = Array.from({ length: 36 }, (_, i) => ({ id: `topic-${i}`, title: `Topic ${String.fromCharCode(97 + (i % 26))}${i}`, text: `Passage number ${i} about ${['helmets', 'baskets', 'child seats', 'locks', 'lights', 'bells'][i % 6]} and ${['routes', 'maps', 'parking', 'groups', 'tours', 'insurance'][Math.floor(i / 6)]}.` }));
    const kb = hybridAt(dir);
    await kb.upsert([...DOCS, ...filler]);
    await kb.idle();
    const offTopic = await kb.search('Who won the football match yesterday?', 5);
    expect(offTopic.filter((p) => (p.confidence ?? 0) >= CONFIDENT_PASSAGE)).toEqual([]);
    expect(offTopic.every((p) => p.similarity === undefined || p.similarity > 0.7)).toBe(true);
    // A question that does mean one passage still stands out from the rest and finds it.
    const [top] = await kb.search('I got a flat, what now?', 5);
    expect(top?.docId).toBe('breakdowns');
    expect(top!.confidence).toBeGreaterThanOrEqual(CONFIDENT_PASSAGE);
  });

  it('raises the threshold to what stands out from a question\'s similarity to the whole knowledge base', () => {
    // Too few chunks to tell: the configured threshold.
    expect(outstandingSimilarity(0.7, { mean: 0.8, sd: 0.05 }, 10)).toBe(0.7);
    // 117 chunks: mean + 3.59 deviations.
    expect(outstandingSimilarity(0.7, { mean: 0.16, sd: 0.27 }, 117)).toBeCloseTo(0.16 + (Math.sqrt(2 * Math.log(117)) + 0.5) * 0.27, 6);
    // A well-spread model: the configured threshold governs.
    expect(outstandingSimilarity(0.7, { mean: 0.3, sd: 0.05 }, 117)).toBe(0.7);
    // Never fewer than 3.5 deviations.
    expect(outstandingSimilarity(0.1, { mean: 0.2, sd: 0.1 }, 31)).toBeCloseTo(0.55, 6);
  });

  it('reads the chunk list only when it changes, and embeds again when the model changes its space under the same name', async () => {
    await embeddedOnceAndClosed();

    // Same model name, now 48 dimensions: the stored 64-dimension vectors are of no use.
    fake.mode = { kind: 'ok', dims: 48 };
    const inner = createSqliteKnowledgeBase({ path: path.join(dir, 'kb.db') });
    let listed = 0;
    const listAll = inner.chunks.bind(inner);
    inner.chunks = () => {
      listed++;
      return listAll();
    };
    const kb = hybridAt(dir, 'fake-embed', inner);
    await kb.idle();
    fake.requests.length = 0;
    expect((await kb.search('I got a flat, what now?', 5)).some((p) => p.similarity !== undefined)).toBe(false);
    await kb.idle();
    expect(fake.requests.flatMap((r) => r.input).filter((t) => t.includes('\n'))).toHaveLength(DOCS.length);
    const [top] = await kb.search('I got a flat, what now?', 5);
    expect(top?.docId).toBe('breakdowns');
    const before = listed;
    for (let i = 0; i < 20; i++) await kb.search(`deposit for bike ${i}`, 3);
    expect(listed).toBe(before);
  });

  it('waits for a hung embedding server once, then searches by BM25 without asking it for a while', async () => {
    await embeddedOnceAndClosed();
    fake.mode = { kind: 'hang' };
    const kb = new HybridKnowledgeBase(createSqliteKnowledgeBase({ path: path.join(dir, 'kb.db') }), {
      model: createOpenAICompatibleEmbeddings({ baseURL: fake.baseUrl, model: 'fake-embed', apiKey: null }),
      cache: new VectorCache(path.join(dir, 'embeddings.db')),
      minSimilarity: 0.7,
      questionTimeoutMs: 300,
    });
    open.push(kb);
    await kb.idle();
    fake.requests.length = 0;
    const t = performance.now();
    const first = await kb.search('How much is the deposit for a city bike?', 3);
    // Generous bound: the point is 300 ms, not the client's 30 s.
    expect(performance.now() - t).toBeLessThan(5000);
    expect(first[0]?.docId).toBe('prices');
    expect(fake.requests).toHaveLength(1);
    await kb.search('What are your opening hours?', 3);
    expect(fake.requests).toHaveLength(1);
  });
});
