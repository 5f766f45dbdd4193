import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KefuError } from '../../src/errors.ts';
import { createOpenAICompatibleEmbeddings } from '../../src/llm/openai-compatible-embeddings.ts';
import { fakeEmbedding, startFakeEmbeddingServer, type FakeEmbeddingServer } from '../support/fake-embedding-server.ts';
import { deadURL } from './fake-openai-server.ts';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** A server answering every request with `body` and `status`. */
async function answering(status: number, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('OpenAI-compatible embeddings client', () => {
  let fake: FakeEmbeddingServer;
  beforeAll(async () => {
    fake = await startFakeEmbeddingServer();
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(() => {
    fake.requests.length = 0;
    fake.mode = { kind: 'ok' };
  });

  it('returns unit vectors in input order, batched, with the model and key', async () => {
    const model = createOpenAICompatibleEmbeddings({ baseURL: `${fake.baseUrl}/`, model: 'bge-m3', apiKey: 'secret', batchSize: 2 });
    const texts = ['flat tyre', 'overdue bike', 'opening hours', '逾期还车', 'deposit refund'];
    const vectors = await model.embed(texts);
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => {
      expect(norm(v)).toBeCloseTo(1, 5);
      const want = fakeEmbedding(texts[i]!);
      const wantNorm = Math.sqrt(want.reduce((s, x) => s + x * x, 0));
      expect(v[0]).toBeCloseTo(want[0]! / wantNorm, 5);
      expect(v[1]).toBeCloseTo(want[1]! / wantNorm, 5);
    });
    expect(fake.requests.map((r) => r.input.length)).toEqual([2, 2, 1]);
    expect(fake.requests.every((r) => r.model === 'bge-m3' && r.authorization === 'Bearer secret')).toBe(true);
  });

  it('sends no model or key when none is configured (llama-server, vLLM and TEI serve one model)', async () => {
    await createOpenAICompatibleEmbeddings({ baseURL: fake.baseUrl, model: null, apiKey: null }).embed(['hello']);
    expect(fake.requests[0]).toMatchObject({ model: null, authorization: null });
  });

  it('fails with fields: a server error is retryable, a refusal or a malformed answer is not', async () => {
    fake.mode = { kind: 'status', status: 503 };
    const down = await createOpenAICompatibleEmbeddings({ baseURL: fake.baseUrl, model: null, apiKey: null }).embed(['x']).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(KefuError);
    expect(down).toMatchObject({ code: 'embedding_unavailable', retryable: true });
    expect((down as Error).message).toContain('503');

    const refused = await answering(400, '{"error":{"message":"model not found"}}');
    const bad = await answering(200, '{"data":[{"index":0,"embedding":[0.1,"x"]}]}');
    const short = await answering(200, '{"data":[]}');
    try {
      await expect(createOpenAICompatibleEmbeddings({ baseURL: refused.url, model: 'nope', apiKey: null }).embed(['x'])).rejects.toMatchObject({ code: 'embedding_bad_response', retryable: false });
      await expect(createOpenAICompatibleEmbeddings({ baseURL: bad.url, model: null, apiKey: null }).embed(['x'])).rejects.toMatchObject({ code: 'embedding_bad_response' });
      await expect(createOpenAICompatibleEmbeddings({ baseURL: short.url, model: null, apiKey: null }).embed(['x'])).rejects.toThrow(/expected 1 embeddings, got 0/);
    } finally {
      await Promise.all([refused.close(), bad.close(), short.close()]);
    }
    const unreachable = await createOpenAICompatibleEmbeddings({ baseURL: await deadURL(), model: null, apiKey: null }).embed(['x']).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: 'embedding_unavailable' });
  });

  it('keeps credentials in the URL out of its id, which is logged and stored with every vector', () => {
    const model = createOpenAICompatibleEmbeddings({ baseURL: 'http://kefu:s3cret@127.0.0.1:8081/v1/?token=abc', model: 'bge-m3', apiKey: null });
    expect(model.id).toBe('openai:http://127.0.0.1:8081/v1|bge-m3');
    expect(createOpenAICompatibleEmbeddings({ baseURL: 'http://127.0.0.1:8081/v1', model: null, apiKey: null }).id).toBe('openai:http://127.0.0.1:8081/v1|');
  });
});
