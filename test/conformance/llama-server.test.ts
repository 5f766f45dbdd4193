import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findShippedModel } from '../../src/config/load-config.ts';
import type { ChatMessage, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';
import { createOpenAICompatibleProvider } from '../../src/llm/openai-compatible-provider.ts';
import { buildPrompt } from '../../src/pipeline/prompt-builder.ts';
import { startLlamaServer, type RunningLlamaServer } from '../../scripts/llama-server.ts';
import { postJson, startTestServer } from '../support/start-test-server.ts';
import { deadURL } from '../llm/fake-openai-server.ts';

/**
 * The OpenAI-compatible provider against a real llama.cpp `llama-server`, built from the source
 * node-llama-cpp ships (scripts/build-llama-server.sh, cached outside the repo; the first build
 * takes ~13 minutes on 2 cores, and .ci/run builds it before `npm run test:conformance`), serving
 * the shipped model. Not part of `npm test`: vitest.conformance.config.ts runs test/conformance/.
 * A missing binary or model fails here; nothing is skipped.
 */
const MODEL = findShippedModel();
const messages: ChatMessage[] = buildPrompt({
  userMessage: '运费多少?',
  passages: [{ id: 'ship-fees-zh#0', docId: 'ship-fees-zh', title: '运费多少？运费标准与包邮规则', text: '单笔订单实付满99元包邮，不满99元收取运费8元。', score: 9 }],
  history: [],
  lang: 'zh',
});

async function collect(model: LanguageModel, params: Parameters<LanguageModel['doStream']>[0]): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const p of model.doStream(params)) parts.push(p);
  return parts;
}
const textOf = (parts: LanguageModelStreamPart[]): string => parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

describe('OpenAI-compatible provider against llama.cpp llama-server', () => {
  let server: RunningLlamaServer;
  let baseURL: string;
  const open: LanguageModel[] = [];
  const provider = (urls: string[] = [baseURL]): LanguageModel => {
    const m = createOpenAICompatibleProvider({ baseURLs: urls, firstTokenTimeoutMs: 20_000, retryDelayMs: 50 });
    open.push(m);
    return m;
  };

  beforeAll(async () => {
    if (MODEL === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
    server = await startLlamaServer({ model: MODEL, threads: 1, parallel: 4, contextPerSlot: 512 });
    baseURL = server.baseURL;
  }, 30 * 60_000);
  afterAll(async () => {
    await Promise.all(open.map((m) => m.close()));
    server?.stop();
  });

  it('ready() finds the served model; a reply streams in pieces and finishes with usage', async () => {
    const model = provider();
    await model.ready();
    const parts = await collect(model, { messages, maxTokens: 40, temperature: 0 });
    const deltas = parts.filter((p) => p.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(3);
    const finish = parts.at(-1)!;
    expect(finish.type).toBe('finish');
    if (finish.type === 'finish') {
      expect(['stop', 'length']).toContain(finish.finishReason);
      expect(finish.usage.outputTokens).toBeGreaterThan(0);
      expect(finish.usage.inputTokens).toBeGreaterThan(20);
    }
  });

  it('gives the same greedy text as the embedded provider on the same GGUF', async () => {
    const embedded = createEmbeddedProvider({ modelPath: MODEL!, gpu: false, contextSize: 512, sequences: 1 });
    open.push(embedded);
    const a = textOf(await collect(embedded, { messages, maxTokens: 24, temperature: 0 }));
    const b = textOf(await collect(provider(), { messages, maxTokens: 24, temperature: 0 }));
    expect(a.length).toBeGreaterThan(0);
    expect(b).toBe(a);
  });

  it('abort mid-stream finishes with abort, and the server serves the next request', async () => {
    const model = provider();
    const controller = new AbortController();
    const parts: LanguageModelStreamPart[] = [];
    for await (const p of model.doStream({ messages, maxTokens: 200, temperature: 0, signal: controller.signal })) {
      parts.push(p);
      if (p.type === 'text-delta') controller.abort();
    }
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'abort' });
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(1);
    const next = await collect(model, { messages, maxTokens: 8, temperature: 0 });
    expect(next.at(-1)?.type).toBe('finish');
  });

  it('serves concurrent requests, each complete', async () => {
    const model = provider();
    const results = await Promise.all(Array.from({ length: 4 }, () => collect(model, { messages, maxTokens: 16, temperature: 0 })));
    for (const parts of results) {
      expect(parts.at(-1)?.type).toBe('finish');
      expect(textOf(parts).length).toBeGreaterThan(0);
    }
  });

  it('fails over from a server that is down, and reports a down server as retryable', async () => {
    const dead = await deadURL();
    const parts = await collect(provider([dead, baseURL]), { messages, maxTokens: 8, temperature: 0 });
    expect(parts.at(-1)?.type).toBe('finish');
    const down = await collect(provider([dead]), { messages, maxTokens: 8, temperature: 0 });
    expect(down.at(-1)).toMatchObject({ type: 'error', error: { code: 'llm_unavailable', retryable: true } });
  });

  it('backs the whole pipeline (KEFU_LLM=openai) with grounded replies or a retrieval fallback', async () => {
    const kefu = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: baseURL });
    try {
      const res = await postJson(`${kefu.url}/v1/chat`, { message: '运费多少?' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ChatReply;
      expect(body.sources.length).toBeGreaterThan(0);
      expect(body.reply.length).toBeGreaterThan(0);
      expect(body.model).toMatch(/^(retrieval|openai:.+)$/);
    } finally {
      await kefu.destroy();
    }
  });
});
