import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_KB_PATH, findShippedModel } from '../../src/config/load-config.ts';
import { HybridKnowledgeBase } from '../../src/knowledge/hybrid/hybrid-knowledge-base.ts';
import { VectorCache } from '../../src/knowledge/hybrid/vector-cache.ts';
import { importKnowledge } from '../../src/knowledge/import-kb.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { createOpenAICompatibleEmbeddings } from '../../src/llm/openai-compatible-embeddings.ts';
import { startLlamaServer, type RunningLlamaServer } from '../../scripts/llama-server.ts';

/**
 * The embeddings client and hybrid retrieval against a real llama.cpp `llama-server --embedding`
 * serving the shipped GGUF (mean-pooled). The shipped model is a chat model, not an embedding
 * model: this checks the wire format and the plumbing, not retrieval quality (docs/hybrid-retrieval.md).
 */
const MODEL = findShippedModel();

describe('embeddings against llama.cpp llama-server --embedding', () => {
  let server: RunningLlamaServer;
  let dir: string;

  beforeAll(async () => {
    if (MODEL === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
    server = await startLlamaServer({ model: MODEL, threads: 1, parallel: 2, contextPerSlot: 1024, embedding: true });
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-emb-'));
  }, 60_000);
  afterAll(() => {
    server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('gives one unit vector per text, in order, the same for the same text', async () => {
    const model = createOpenAICompatibleEmbeddings({ baseURL: server.baseURL, model: null, apiKey: null, batchSize: 3 });
    const texts = ['运费多少？', 'How long does shipping take?', '退货流程', 'How long does shipping take?', '发票怎么开'];
    const vectors = await model.embed(texts);
    expect(vectors).toHaveLength(5);
    const dim = vectors[0]!.length;
    expect(dim).toBeGreaterThan(16);
    for (const v of vectors) {
      expect(v.length).toBe(dim);
      expect(Math.sqrt(v.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 4);
    }
    const cos = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(cos(vectors[1]!, vectors[3]!)).toBeCloseTo(1, 3);
    expect(cos(vectors[0]!, vectors[1]!)).toBeLessThan(0.9999);
  }, 60_000);

  it('embeds the demo knowledge base and fuses vector matches into search', async () => {
    const kb = new HybridKnowledgeBase(createSqliteKnowledgeBase({ path: path.join(dir, 'kb.db') }), {
      model: createOpenAICompatibleEmbeddings({ baseURL: server.baseURL, model: null, apiKey: null }),
      cache: new VectorCache(path.join(dir, 'embeddings.db')),
      minSimilarity: 0.5,
    });
    try {
      await importKnowledge(kb, [DEMO_KB_PATH]);
      await kb.idle();
      const chunks = await kb.chunks();
      const results = await kb.search('How long does shipping take?', 5);
      expect(chunks.length).toBeGreaterThan(10);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((p) => typeof p.similarity === 'number')).toBe(true);
    } finally {
      await kb.close();
    }
  }, 120_000);
});
