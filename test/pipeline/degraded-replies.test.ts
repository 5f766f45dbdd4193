import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { deadURL, startFakeOpenAIServer, type FakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { postJson, sessionHeaders, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Degraded replies through HTTP (docs/llm-router.md, Degradation): with the model hung past
 * KEFU_LLM_LATENCY_BUDGET_MS, or down, a customer gets the answer cache, else the retrieval
 * answer from the knowledge base, else the no-answer reply that offers a person, who then takes
 * the chat. Never an error, never a wait past the budget.
 */
const BUDGET_MS = 800;
const RETURNS = '你们的退货政策是什么?';
const SHIPPING = '运费多少?';
const UNKNOWN = '你们卖汽车轮胎吗?';

const ask = async (server: TestServer, message: string, sessionId?: string): Promise<{ body: ChatReply; ms: number }> => {
  const started = performance.now();
  const res = await postJson(`${server.url}/v1/chat`, { message, ...(sessionId === undefined ? {} : { session_id: sessionId }) }, sessionId === undefined ? {} : sessionHeaders(sessionId));
  expect(res.status).toBe(200);
  return { body: (await res.json()) as ChatReply, ms: performance.now() - started };
};
const fallbacks = async (server: TestServer, reason: string): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^kefu_generation_fallbacks_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
};
const completions = (fake: FakeOpenAIServer) => fake.requests.filter((r) => r.path === '/chat/completions');

describe('degraded replies: model over its latency budget', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-degraded-'));
  let fake: FakeOpenAIServer;
  let server: TestServer;
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from the cache, then retrieval within the budget, then offers a person who takes the chat', async () => {
    // A node without a model answers the returns question once: that answer is in the cache.
    const first = await startTestServer({}, dir);
    const warm = await ask(first, RETURNS);
    expect(warm.body.cached).toBe(false);
    await first.close();

    // The same data dir behind a model that accepts requests and never answers.
    fake = await startFakeOpenAIServer({ replies: [{ hang: true }] });
    server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: fake.url, KEFU_LLM_LATENCY_BUDGET_MS: String(BUDGET_MS) }, dir);

    // 1. The answer cache: the model is not asked at all.
    const cached = await ask(server, RETURNS);
    expect(cached.body).toMatchObject({ cached: true, reply: warm.body.reply });
    expect(completions(fake)).toHaveLength(0);

    // 2. Not cached: the model is asked, misses its budget, and the knowledge base answers.
    const late = await ask(server, SHIPPING);
    expect(late.body.model).toBe('retrieval');
    expect(late.body.sources.length).toBeGreaterThan(0);
    expect(late.body.reply).toMatch(/包邮|运费/);
    expect(late.ms).toBeGreaterThanOrEqual(BUDGET_MS);
    expect(late.ms).toBeLessThan(BUDGET_MS + 5_000);
    expect(completions(fake)).toHaveLength(1);
    // The abandoned request is closed, so the backend stops working on it.
    await expect.poll(() => completions(fake)[0]!.clientClosed, { timeout: 5_000 }).toBe(true);
    expect(await fallbacks(server, 'latency_budget')).toBe(1);

    // 3. Nothing in the knowledge base: no model call, a reply offering a person...
    const unknown = await ask(server, UNKNOWN);
    expect(unknown.body.sources).toEqual([]);
    expect(unknown.body.quick_replies).toEqual(['转人工客服']);
    expect(completions(fake)).toHaveLength(1);
    // ...whom the customer takes up.
    const handoff = await ask(server, '转人工客服', unknown.body.session_id);
    expect(handoff.body.handoff).toBe(true);
  });
});

describe('degraded replies: model down', () => {
  let server: TestServer;
  afterAll(async () => server?.destroy());

  it('answers from the knowledge base, counted as a model error', async () => {
    server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: await deadURL() });
    const { body } = await ask(server, SHIPPING);
    expect(body.model).toBe('retrieval');
    expect(body.reply).toMatch(/包邮|运费/);
    expect(await fallbacks(server, 'model_error')).toBe(1);
  });
});
