import { afterEach, describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** A vLLM-shaped SSE stream that says `pieces` one chunk each. */
function vllmSse(pieces: readonly string[]): string {
  const chunk = (delta: object, finish: string | null, usage?: object) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  return [
    chunk({ role: 'assistant', content: '' }, null),
    ...pieces.map((p) => chunk({ content: p }, null)),
    chunk({}, 'stop', { prompt_tokens: 200, completion_tokens: pieces.length, total_tokens: 200 + pieces.length }),
    'data: [DONE]\n\n',
  ].join('');
}

const GROUNDED = ['Delivery usually takes ', '2–4 days to other mainland provinces', ', and 1–2 days to Shanghai. ', 'Orders paid before 16:00 ship the same day.'];

describe('the pipeline on KEFU_LLM=openai (a fake vLLM on loopback)', () => {
  let fake: FakeOpenAIServer;
  let server: TestServer;
  afterEach(async () => {
    await server?.destroy();
    await fake?.close();
  });

  const chatCalls = () => fake.requests.filter((r) => r.path === '/chat/completions');

  async function start(replies: Parameters<typeof startFakeOpenAIServer>[0]): Promise<void> {
    fake = await startFakeOpenAIServer(replies);
    server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: fake.url, KEFU_LLM_MODEL: 'fake-model' });
  }

  it('streams a grounded model reply and sends the model the retrieved passages, never raw PII', async () => {
    // Paced like a real model, so each token is its own network read (tokens that arrive together go up as one part).
    await start({ replies: [{ sse: vllmSse(GROUNDED), delayMs: 15 }] });
    const res = await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take? My phone is 13812345678', stream: true });
    const events = await readSse(res);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    // Text goes out as soon as it is checked: the first words with the first token, not the first sentence.
    expect(deltas[0]).toBe('Delivery usually takes ');
    expect(deltas.join('')).toBe(GROUNDED.join(''));
    const done = events.at(-1)!.data as ChatReply;
    expect(done.model).toBe('openai:fake-model');
    expect(done.reply).toBe(GROUNDED.join(''));
    expect(done.usage?.outputTokens).toBe(GROUNDED.length);

    const completions = chatCalls();
    expect(completions).toHaveLength(1);
    const sent = JSON.stringify(completions[0]!.body);
    expect(sent).not.toContain('13812345678');
    expect(sent).toContain('Orders paid before 16:00 ship the same day');
  });

  it('replaces an answer with an invented figure by the retrieval answer', async () => {
    await start({ replies: [{ sse: vllmSse(['Delivery takes ', '17 days everywhere.']) }] });
    const body = (await (await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take?' })).json()) as ChatReply;
    expect(body.model).toBe('retrieval');
    expect(body.reply).not.toContain('17 days');
    expect(body.reply).toContain('16:00');
  });

  it('holds a short first sentence until it can be judged with the next, so a bad start is never shown', async () => {
    await start({ replies: [{ sse: vllmSse(["You're welcome! ", 'Our warehouse robots sing opera every morning in Paris.']) }] });
    const events = await readSse(await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take?', stream: true }));
    const shown = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    expect(shown).not.toContain('welcome');
    const done = events.at(-1)!.data as ChatReply;
    expect(done.model).toBe('retrieval');
    expect(done.reply).toBe(shown);
  });

  it('falls back to the retrieval answer when the model server is down', async () => {
    await start({ replies: [{ status: 503, body: { error: { message: 'overloaded' } } }] });
    const body = (await (await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take?' })).json()) as ChatReply;
    expect(body.model).toBe('retrieval');
    expect(body.reply).toContain('16:00');
  });

  it('closes the upstream request when the client disconnects mid-stream', async () => {
    const slow = Array.from({ length: 60 }, () => 'Orders paid before 16:00 ship the same day. ');
    await start({ replies: [{ sse: vllmSse(slow), delayMs: 50 }] });
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'How long does shipping take?' }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!seen.includes('event: delta')) seen += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();

    await expect.poll(() => chatCalls()[0]?.clientClosed, { timeout: 5000 }).toBe(true);
    expect(chatCalls()[0]!.completed).toBe(false);
    await expect.poll(async () => (await (await fetch(`${server.url}/metrics`)).text()).match(/llama_requests_total\{channel="web",outcome="aborted"\} 1/) !== null, { timeout: 5000 }).toBe(true);
  });

  it('closes the upstream request when a client waiting for a whole (not streamed) reply disconnects', async () => {
    const slow = Array.from({ length: 60 }, () => 'Orders paid before 16:00 ship the same day. ');
    await start({ replies: [{ sse: vllmSse(slow), delayMs: 50 }] });
    const controller = new AbortController();
    const asked = fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'How long does shipping take?' }),
      signal: controller.signal,
    }).catch(() => null);
    // The disconnect is read from the Node socket: nothing is streamed to notice it on.
    await expect.poll(() => chatCalls().length, { timeout: 5000 }).toBe(1);
    controller.abort();
    await asked;
    await expect.poll(() => chatCalls()[0]?.clientClosed, { timeout: 5000 }).toBe(true);
    expect(chatCalls()[0]!.completed).toBe(false);
  });
});

describe('a prompt too long for the upstream context', () => {
  it('is retried with a compact prompt before any text, then streams', async () => {
    const fake = await startFakeOpenAIServer({
      replies: [
        { status: 400, body: { error: { message: "This model's maximum context length is 512 tokens. However, you requested 900 tokens.", type: 'BadRequestError' } } },
        { sse: vllmSse(GROUNDED) },
      ],
    });
    const server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: fake.url, KEFU_LLM_MODEL: 'fake-model' });
    try {
      const body = (await (await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take?' })).json()) as ChatReply;
      expect(body.model).toBe('openai:fake-model');
      const calls = fake.requests.filter((r) => r.path === '/chat/completions');
      expect(calls).toHaveLength(2);
      const size = (i: number) => JSON.stringify(calls[i]!.body).length;
      expect(size(1)).toBeLessThan(size(0));
    } finally {
      await server.destroy();
      await fake.close();
    }
  });
});
