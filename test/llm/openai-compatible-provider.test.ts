import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { LLMProviderError } from '../../src/llm/llm-provider-error.ts';
import { createOpenAICompatibleProvider } from '../../src/llm/openai-compatible-provider.ts';
import {
  deadURL,
  sseEvents,
  startFakeOpenAIServer,
  transcript,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
} from './fake-openai-server.ts';

const servers: FakeOpenAIServer[] = [];
async function serve(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const s = await startFakeOpenAIServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ask: GenerateParams = { messages: [{ role: 'user', content: '我的订单到哪了?' }] };

async function collect(model: LanguageModel, params: GenerateParams = ask): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const p of model.doStream(params)) parts.push(p);
  return parts;
}
const textOf = (parts: readonly LanguageModelStreamPart[]): string =>
  parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
function errorOf(parts: readonly LanguageModelStreamPart[]): LLMProviderError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error part last, got ${JSON.stringify(last)}`);
  if (!(last.error instanceof LLMProviderError)) throw new Error(`expected an LLMProviderError, got ${String(last.error)}`);
  return last.error;
}

describe('recorded transcripts', () => {
  const cases = [
    {
      name: 'vllm',
      text: '您好！您的订单已发货，预计3天内送达。',
      finishReason: 'stop',
      usage: { inputTokens: 38, outputTokens: 14 },
    },
    {
      name: 'vllm-continuous-usage',
      text: "Sure, I'll connect you to an agent.",
      finishReason: 'stop',
      usage: { inputTokens: 21, outputTokens: 11 },
    },
    {
      name: 'llama-cpp',
      text: 'Your refund will be processed within 3-5 business days.',
      finishReason: 'stop',
      usage: { inputTokens: 45, outputTokens: 13 },
    },
    {
      name: 'ollama',
      text: '请提供您的订单号，我马上为您查询物流信息。如果您',
      finishReason: 'length',
      usage: { inputTokens: 52, outputTokens: 16 },
    },
    {
      name: 'tgi',
      text: 'Hello! You can return unused items within 7 days.',
      finishReason: 'stop',
      usage: {},
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: text, finish reason and usage`, async () => {
      const server = await serve({ replies: [{ sse: transcript(c.name) }] });
      const model = createOpenAICompatibleProvider({ baseURLs: [server.url], model: 'm', apiKey: 'sk-test' });
      const parts = await collect(model);
      expect(textOf(parts)).toBe(c.text);
      expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: c.finishReason, usage: c.usage });
      expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
      expect(parts.some((p) => p.type === 'text-delta' && p.text === '')).toBe(false);
      const [req] = server.requests;
      expect(req?.path).toBe('/chat/completions');
      expect(req?.headers.authorization).toBe('Bearer sk-test');
      expect(req?.body).toEqual({
        model: 'm',
        messages: [{ role: 'user', content: '我的订单到哪了?' }],
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it(`${c.name}: same result when TCP chunks split lines and UTF-8 characters`, async () => {
      const server = await serve({ replies: [{ sse: transcript(c.name), writeSize: 7, delayMs: 0 }] });
      const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url] }));
      expect(textOf(parts)).toBe(c.text);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: c.finishReason });
    });
  }

  it('the tokens of one network read go up as one text part; tokens that arrive apart, one part each', async () => {
    const together = await serve({ replies: [{ sse: transcript('vllm'), writeSize: 1 << 20 }] });
    const one = await collect(createOpenAICompatibleProvider({ baseURLs: [together.url] }));
    expect(one.filter((p) => p.type === 'text-delta').map((p) => p.text)).toEqual(['您好！您的订单已发货，预计3天内送达。']);
    const apart = await serve({ replies: [{ sse: transcript('vllm'), delayMs: 15 }] });
    const many = await collect(createOpenAICompatibleProvider({ baseURLs: [apart.url] }));
    expect(many.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(3);
    expect(textOf(many)).toBe(textOf(one));
  });

  it('a last event without its closing blank line is still read', async () => {
    const sse = transcript('tgi').trimEnd();
    const server = await serve({ replies: [{ sse }] });
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url] }));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('a server that ignores stream:true and answers with one JSON completion', async () => {
    const server = await serve({
      replies: [
        {
          status: 200,
          body: {
            id: 'chatcmpl-1',
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: '好的' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
          },
        },
      ],
    });
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url] }));
    expect(parts).toEqual([
      { type: 'text-delta', text: '好的' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 5, outputTokens: 2 } },
    ]);
  });
});

describe('request shape', () => {
  it('sends jsonSchema as response_format and the sampling settings', async () => {
    const server = await serve();
    const schema = { type: 'object', properties: { intent: { type: 'string' } }, required: ['intent'] };
    await collect(createOpenAICompatibleProvider({ baseURLs: [`${server.url}/`], model: 'kefu' }), {
      ...ask,
      jsonSchema: schema,
      maxTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      stop: ['<|end|>'],
    });
    expect(server.requests[0]?.body).toMatchObject({
      model: 'kefu',
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['<|end|>'],
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } },
    });
  });
});

describe('retries and failover before the first token', () => {
  it('fails over from a dead URL to a live one', async () => {
    const server = await serve();
    const model = createOpenAICompatibleProvider({ baseURLs: [await deadURL(), server.url] });
    const parts = await collect(model);
    expect(textOf(parts)).toBe('您好！您的订单已发货，预计3天内送达。');
    expect(server.requests).toHaveLength(1);
  });

  it('retries 503 and 429 on the same URL, then streams', async () => {
    const server = await serve({
      replies: [{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { sse: transcript('llama-cpp') }],
    });
    const model = createOpenAICompatibleProvider({ baseURLs: [server.url], retryDelayMs: 10 });
    const parts = await collect(model);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with a retryable llm_unavailable error', async () => {
    const server = await serve({ replies: [{ status: 503 }] });
    const model = createOpenAICompatibleProvider({ baseURLs: [server.url], maxRetries: 2, retryDelayMs: 5 });
    const parts = await collect(model);
    expect(parts).toHaveLength(1);
    const err = errorOf(parts);
    expect(err.code).toBe('llm_unavailable');
    expect(err.retryable).toBe(true);
    expect(err.upstreamStatus).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400, and does not fail over either', async () => {
    const bad = await serve({ replies: [{ status: 400, body: { error: { message: 'model "x" does not exist' } } }] });
    const good = await serve();
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [bad.url, good.url] }));
    const err = errorOf(parts);
    expect(err.code).toBe('llm_bad_request');
    expect(err.retryable).toBe(false);
    expect(err.upstreamStatus).toBe(400);
    expect(err.message).toContain('does not exist');
    expect(bad.requests).toHaveLength(1);
    expect(good.requests).toHaveLength(0);
  });

  it('first-token timeout: a silent server is abandoned for the next URL', async () => {
    const silent = await serve({ replies: [{ hang: true }] });
    const good = await serve({ replies: [{ sse: transcript('tgi') }] });
    const started = Date.now();
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [silent.url, good.url], firstTokenTimeoutMs: 400 }));
    expect(textOf(parts)).toBe('Hello! You can return unused items within 7 days.');
    expect(Date.now() - started).toBeLessThan(3000);
    await vi.waitFor(() => expect(silent.requests[0]?.clientClosed).toBe(true));
  });

  it('a role-only first chunk is not a first token: stalling after it still times out and retries', async () => {
    const server = await serve({ replies: [{ sse: transcript('vllm'), hangAfterEvents: 1 }, { sse: transcript('vllm') }] });
    const parts = await collect(
      createOpenAICompatibleProvider({ baseURLs: [server.url], firstTokenTimeoutMs: 400, retryDelayMs: 5 }),
    );
    expect(textOf(parts)).toBe('您好！您的订单已发货，预计3天内送达。');
    expect(server.requests).toHaveLength(2);
  });

  it('every URL silent: llm_timeout, retryable', async () => {
    const silent = await serve({ replies: [{ hang: true }] });
    const parts = await collect(
      createOpenAICompatibleProvider({ baseURLs: [silent.url], firstTokenTimeoutMs: 100, maxRetries: 1, retryDelayMs: 5 }),
    );
    const err = errorOf(parts);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no first token within 100 ms');
    expect(silent.requests).toHaveLength(2);
  });
});

describe('after the first token', () => {
  it('a dropped connection ends with llm_stream_interrupted and is not retried', async () => {
    // 5 events: role-only chunk, then 您好 ！ 您的 订单
    const server = await serve({ replies: [{ sse: transcript('vllm'), dropAfterEvents: 5 }] });
    const other = await serve();
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url, other.url] }));
    expect(textOf(parts)).toBe('您好！您的订单');
    const err = errorOf(parts);
    expect(err.code).toBe('llm_stream_interrupted');
    expect(err.retryable).toBe(false);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it("llama.cpp's `error:` event mid-stream ends with llm_stream_interrupted", async () => {
    const server = await serve({ replies: [{ sse: transcript('llama-cpp-error') }] });
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url] }));
    expect(textOf(parts)).toBe('Your order');
    const err = errorOf(parts);
    expect(err.code).toBe('llm_stream_interrupted');
    expect(err.message).toContain('KV size');
  });

  it('the overall timeout ends a stalled stream with a non-retryable llm_timeout', async () => {
    const server = await serve({ replies: [{ sse: transcript('vllm'), hangAfterEvents: 3 }] });
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url], timeoutMs: 600 }));
    expect(textOf(parts)).toBe('您好！');
    const err = errorOf(parts);
    expect(err.code).toBe('llm_timeout');
    expect(err.retryable).toBe(false);
    await vi.waitFor(() => expect(server.requests[0]?.clientClosed).toBe(true));
  });
});

describe('abort', () => {
  it('aborting mid-stream closes the upstream connection and finishes with abort', async () => {
    const server = await serve({ replies: [{ sse: transcript('vllm'), delayMs: 40 }] });
    const ctrl = new AbortController();
    const parts: LanguageModelStreamPart[] = [];
    const model = createOpenAICompatibleProvider({ baseURLs: [server.url] });
    for await (const p of model.doStream({ ...ask, signal: ctrl.signal })) {
      parts.push(p);
      if (p.type === 'text-delta') ctrl.abort();
    }
    expect(textOf(parts)).toBe('您好');
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'abort', usage: {} });
    expect(parts.some((p) => p.type === 'error')).toBe(false);
    await vi.waitFor(() => expect(server.requests[0]?.clientClosed).toBe(true));
    expect(server.requests).toHaveLength(1);
  });

  it('no text is delivered after abort, even text already received', async () => {
    // The first token arrives alone; the rest arrives while the consumer is still busy with it.
    const server = await serve({ replies: [{ sse: transcript('vllm'), delayMs: 20 }] });
    const ctrl = new AbortController();
    const parts: LanguageModelStreamPart[] = [];
    const model = createOpenAICompatibleProvider({ baseURLs: [server.url] });
    for await (const p of model.doStream({ ...ask, signal: ctrl.signal })) {
      parts.push(p);
      if (p.type !== 'text-delta') continue;
      await vi.waitFor(() => expect(server.requests[0]?.completed).toBe(true));
      await new Promise((r) => setTimeout(r, 30));
      ctrl.abort();
    }
    expect(textOf(parts)).toBe('您好');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'abort' });
  });

  it('aborting while waiting for the first byte finishes with abort and does not retry', async () => {
    const server = await serve({ replies: [{ sse: transcript('vllm'), firstByteDelayMs: 2000 }] });
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url] }), {
      ...ask,
      signal: AbortSignal.timeout(100),
    });
    expect(parts).toEqual([{ type: 'finish', finishReason: 'abort', usage: {} }]);
    await vi.waitFor(() => expect(server.requests[0]?.clientClosed).toBe(true));
    expect(server.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const server = await serve();
    const parts = await collect(createOpenAICompatibleProvider({ baseURLs: [server.url] }), {
      ...ask,
      signal: AbortSignal.abort(),
    });
    expect(parts).toEqual([{ type: 'finish', finishReason: 'abort', usage: {} }]);
    expect(server.requests).toHaveLength(0);
  });

  it('a consumer that stops reading early also closes the upstream connection', async () => {
    const server = await serve({ replies: [{ sse: transcript('vllm'), delayMs: 40 }] });
    const model = createOpenAICompatibleProvider({ baseURLs: [server.url] });
    for await (const p of model.doStream(ask)) if (p.type === 'text-delta') break;
    await vi.waitFor(() => expect(server.requests[0]?.clientClosed).toBe(true));
  });
});

describe('close()', () => {
  it('ends in-flight streams with llm_closed and closes their connections', async () => {
    const server = await serve({ replies: [{ sse: transcript('vllm'), hangAfterEvents: 3 }] });
    const model = createOpenAICompatibleProvider({ baseURLs: [server.url] });
    const parts: LanguageModelStreamPart[] = [];
    for await (const p of model.doStream(ask)) {
      parts.push(p);
      if (p.type === 'text-delta' && textOf(parts) === '您好！') await model.close();
    }
    expect(textOf(parts)).toBe('您好！');
    expect(errorOf(parts).code).toBe('llm_closed');
    await vi.waitFor(() => expect(server.requests[0]?.clientClosed).toBe(true));
  });
});

describe('ready()', () => {
  it('checks GET /models and adopts the served model name when none is configured', async () => {
    const server = await serve({ models: ['Qwen2.5-7B-Instruct'] });
    const model = createOpenAICompatibleProvider({ baseURLs: [await deadURL(), server.url] });
    await model.ready();
    expect(model.id).toBe('openai:Qwen2.5-7B-Instruct');
    await collect(model);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models', 'POST /chat/completions']);
    expect(server.requests[1]?.body).toMatchObject({ model: 'Qwen2.5-7B-Instruct' });
  });

  it('accepts a server that answers but has no /models', async () => {
    const server = await serve({ models: { status: 404 } });
    await expect(createOpenAICompatibleProvider({ baseURLs: [server.url], model: 'x' }).ready()).resolves.toBeUndefined();
  });

  it('rejects when no URL answers, or only with 5xx (llama.cpp while loading)', async () => {
    const loading = await serve({ models: { status: 503 } });
    const model = createOpenAICompatibleProvider({ baseURLs: [await deadURL(), loading.url] });
    await expect(model.ready()).rejects.toMatchObject({ code: 'llm_unavailable', retryable: true });
  });
});

describe('fixtures', () => {
  it('every transcript is well-formed SSE with JSON data', () => {
    for (const name of ['vllm', 'vllm-continuous-usage', 'llama-cpp', 'llama-cpp-error', 'ollama', 'tgi']) {
      for (const event of sseEvents(transcript(name))) {
        expect(event.endsWith('\n\n')).toBe(true);
        const m = /^(data|error): ?(.*)\n\n$/s.exec(event);
        if (m === null) {
          expect(event).toBe(':\n\n'); // keep-alive comment
          continue;
        }
        if (m[2] !== '[DONE]') expect(() => JSON.parse(m[2] ?? '')).not.toThrow();
      }
    }
  });
});
