import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findShippedModel, loadConfig } from '../../src/config/load-config.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { startFakeEmbeddingServer, type FakeEmbeddingServer } from '../support/fake-embedding-server.ts';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** A bike rental's knowledge base: the customer says "flat", the shop says "punctured". */
const KB = `# Breakdowns on the road

If a tyre is punctured during your rental, call us: we bring a replacement bike within the hour, free of charge.

# Rental prices and deposit

A city bike costs 20 yuan per hour or 80 yuan per day. Each bike needs a 500 yuan deposit.

# Opening hours

The shop is open every day from 8:00 to 19:00.
`;

const sse = (text: string): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n` +
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;

interface ChatReply {
  reply: string;
  model: string;
  sources: { id: string; title: string; score: number }[];
}

describe('KEFU_EMBEDDING_BASE_URL: hybrid retrieval through POST /v1/chat', () => {
  let fake: FakeEmbeddingServer;
  let kbDir: string;
  let hybrid: TestServer;
  let plain: TestServer;

  beforeAll(async () => {
    fake = await startFakeEmbeddingServer();
    kbDir = mkdtempSync(path.join(tmpdir(), 'kefu-kb-'));
    writeFileSync(path.join(kbDir, 'bike-rental.md'), KB);
    const env = { KEFU_KB: kbDir, KEFU_CACHE: 'off', KEFU_SHOP_NAME: 'Spoke & Pedal' };
    hybrid = await startTestServer({ ...env, KEFU_EMBEDDING_BASE_URL: fake.baseUrl, KEFU_EMBEDDING_MODEL: 'fake-embed' });
    plain = await startTestServer(env);
    // The chunks are embedded in the background after start: wait until search shows similarities.
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${hybrid.url}/v1/kb/search?q=${encodeURIComponent('tyre')}&k=1`);
      const body = (await res.json()) as { results: { similarity?: number }[] };
      if (body.results[0]?.similarity !== undefined) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await Promise.all([hybrid?.destroy(), plain?.destroy()]);
    await fake.close();
    rmSync(kbDir, { recursive: true, force: true });
  });

  it('answers a question worded unlike the passage from that passage, which BM25 alone cannot', async () => {
    const question = 'I got a flat, what now?';
    const withVectors = (await (await postJson(`${hybrid.url}/v1/chat`, { message: question })).json()) as ChatReply;
    expect(withVectors.reply).toContain('replacement bike');
    expect(withVectors.sources[0]?.title).toBe('Breakdowns on the road');
    const withoutVectors = (await (await postJson(`${plain.url}/v1/chat`, { message: question })).json()) as ChatReply;
    expect(withoutVectors.reply).not.toContain('replacement bike');
  });

  it('shows each passage\'s similarity in GET /v1/kb/search, so the threshold can be set from real questions', async () => {
    const res = await fetch(`${hybrid.url}/v1/kb/search?q=${encodeURIComponent('I got a flat, what now?')}&k=3`);
    const body = (await res.json()) as { results: { title: string; similarity?: number; confidence?: number }[] };
    expect(body.results[0]).toMatchObject({ title: 'Breakdowns on the road' });
    expect(body.results[0]!.similarity).toBeGreaterThanOrEqual(0.7);
    // Question text reaches the embedding server with the customer's personal data already masked.
    expect((await postJson(`${hybrid.url}/v1/chat`, { message: 'My phone is 13812345678, I got a flat tyre' })).status).toBe(200);
    const sent = fake.requests.flatMap((r) => r.input);
    expect(sent.some((t) => t.includes('flat tyre'))).toBe(true);
    expect(sent.some((t) => t.includes('13812345678'))).toBe(false);
  });

  it('gives the model the passage found by meaning, and its grounded answer passes the reply checks', async () => {
    const llm: FakeOpenAIServer = await startFakeOpenAIServer({ replies: [{ sse: sse('If a tyre is punctured during your rental, call us: we bring a replacement bike within the hour, free of charge [1].') }] });
    const withModel = await startTestServer({ KEFU_KB: kbDir, KEFU_CACHE: 'off', KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: llm.url, KEFU_EMBEDDING_BASE_URL: fake.baseUrl });
    try {
      for (let i = 0; i < 100; i++) {
        const found = (await (await fetch(`${withModel.url}/v1/kb/search?q=tyre&k=1`)).json()) as { results: { similarity?: number }[] };
        if (found.results[0]?.similarity !== undefined) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const body = (await (await postJson(`${withModel.url}/v1/chat`, { message: 'I got a flat, what now?' })).json()) as ChatReply;
      const prompt = JSON.stringify(llm.requests.at(-1)?.body);
      expect(prompt).toContain('punctured');
      expect(body.model).toMatch(/^openai/);
      expect(body.reply).toContain('replacement bike within the hour');
    } finally {
      await withModel.destroy();
      await llm.close();
    }
  });

  it('reports the embedding calls and the chunks with vectors in /metrics (promtool-clean)', async () => {
    const text = await (await fetch(`${hybrid.url}/metrics`)).text();
    expect(text).toMatch(/^kefu_knowledge_chunks 3$/m);
    expect(text).toMatch(/^kefu_knowledge_chunks_embedded 3$/m);
    expect(text).toMatch(/^kefu_embedding_requests_total\{kind="chunks",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^kefu_embedding_requests_total\{kind="question",outcome="ok"\} [1-9]\d*$/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('KEFU_EMBEDDING_* configuration', () => {
  it('refuses a model or key without a server, and a URL that is not http(s)', () => {
    expect(() => loadConfig({ KEFU_EMBEDDING_MODEL: 'bge-m3' })).toThrow(/KEFU_EMBEDDING_MODEL is set but KEFU_EMBEDDING_BASE_URL is not/);
    expect(() => loadConfig({ KEFU_EMBEDDING_BASE_URL: 'ftp://host/v1' })).toThrow(/not an http\(s\) URL/);
    expect(() => loadConfig({ KEFU_EMBEDDING_BASE_URL: 'http://127.0.0.1:8081/v1', KEFU_EMBEDDING_MIN_SIMILARITY: '1.5' })).toThrow();
    expect(loadConfig({}).embedding).toBeNull();
    expect(loadConfig({ KEFU_EMBEDDING_BASE_URL: 'http://127.0.0.1:8081/v1' }).embedding).toEqual({ kind: 'openai', baseURL: 'http://127.0.0.1:8081/v1', model: null, apiKey: null, minSimilarity: 0.7, questionTimeoutMs: 2000 });
    const gguf = findShippedModel()!;
    expect(loadConfig({ KEFU_EMBEDDING_MODEL_PATH: gguf, KEFU_EMBEDDING_MIN_SIMILARITY: '0.55' }).embedding).toEqual({ kind: 'embedded', modelPath: gguf, minSimilarity: 0.55, questionTimeoutMs: 2000 });
    expect(() => loadConfig({ KEFU_EMBEDDING_MODEL_PATH: gguf, KEFU_EMBEDDING_TIMEOUT_MS: '0' })).toThrow();
    expect(() => loadConfig({ KEFU_EMBEDDING_MODEL_PATH: gguf, KEFU_EMBEDDING_BASE_URL: 'http://127.0.0.1:8081/v1' })).toThrow(/not both/);
    expect(() => loadConfig({ KEFU_EMBEDDING_MODEL_PATH: '/nonexistent/bge-m3.gguf' })).toThrow(/no such file/);
  });

  it('embeds the knowledge base in process from KEFU_EMBEDDING_MODEL_PATH', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-kb-'));
    writeFileSync(path.join(dir, 'rental.md'), KB);
    const server = await startTestServer({ KEFU_KB: dir, KEFU_CACHE: 'off', KEFU_EMBEDDING_MODEL_PATH: findShippedModel()! });
    try {
      let metrics = '';
      for (let i = 0; i < 200 && !/^kefu_knowledge_chunks_embedded 3$/m.test(metrics); i++) {
        await new Promise((r) => setTimeout(r, 100));
        metrics = await (await fetch(`${server.url}/metrics`)).text();
      }
      expect(metrics).toMatch(/^kefu_knowledge_chunks_embedded 3$/m);
      const found = (await (await fetch(`${server.url}/v1/kb/search?q=opening%20hours&k=1`)).json()) as { results: { title: string; similarity?: number }[] };
      expect(found.results[0]).toMatchObject({ title: 'Opening hours' });
      expect(typeof found.results[0]!.similarity).toBe('number');
    } finally {
      await server.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
