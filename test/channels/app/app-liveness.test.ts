import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KefuClient } from '../../../sdk/kefu-client.ts';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../../src/contracts/language-model.ts';
import { eventually, rawClient, startAppHarness, type AppHarness } from './app-harness.ts';

/**
 * Connections that go quiet are cut off, and a reply stops being generated when its socket
 * closes. The model is a slow one, 60 sentences, one every 20 ms, that notes whether it was stopped.
 */
const SENTENCES = 60;
const runs: { yielded: number; aborted: boolean; finished: boolean }[] = [];
const slow: LanguageModel = {
  id: 'slow',
  ready: async () => {},
  close: async () => {},
  async *doStream(params: GenerateParams): AsyncIterable<LanguageModelStreamPart> {
    const run = { yielded: 0, aborted: false, finished: false };
    runs.push(run);
    try {
      for (let i = 0; i < SENTENCES; i++) {
        if (params.signal?.aborted) {
          run.aborted = true;
          yield { type: 'finish', finishReason: 'abort', usage: { outputTokens: run.yielded } };
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
        run.yielded += 1;
        yield { type: 'text-delta', text: '签收后7天内可以申请无理由退货 [1]。' };
      }
      yield { type: 'finish', finishReason: 'stop', usage: { outputTokens: run.yielded } };
    } finally {
      // Stopped either way: by the signal, or by the pipeline dropping the stream once it fired.
      run.aborted ||= params.signal?.aborted === true;
      run.finished = true;
    }
  },
};

let h: AppHarness;
beforeAll(async () => {
  // No answer cache: every question must reach the slow model for the abort to be observable.
  h = await startAppHarness({ model: slow, socket: { heartbeatMs: 100 }, env: { KEFU_CACHE: 'off' } });
});
afterAll(async () => h?.close());

const QUESTION = '你们的退货政策是什么?';

describe('liveness', () => {
  it('terminates a client that stops answering pings, keeps one that answers', async () => {
    const silent = await rawClient(h.wsUrl, { autoPong: false });
    const alive = await rawClient(h.wsUrl);
    silent.send({ type: 'hello' });
    alive.send({ type: 'hello' });
    await silent.next();
    await alive.next();
    const started = Date.now();
    const { code } = await silent.closed;
    // Two missed pings at 100 ms, cut at the third tick: no close handshake (1006).
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 400));
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    alive.send({ type: 'ping' });
    expect(await alive.next()).toEqual({ type: 'pong' });
    alive.ws.close();
    await eventually(() => (h.socket.connections === 0 ? true : null));
  });

  it('refuses a second message while one is being answered', async () => {
    const raw = await rawClient(h.wsUrl);
    raw.send({ type: 'hello' });
    await raw.next();
    raw.send({ type: 'message', id: 'a', text: QUESTION });
    await raw.next((e) => e.type === 'delta');
    raw.send({ type: 'message', id: 'b', text: '还有别的吗' });
    expect(await raw.next((e) => e.id === 'b')).toMatchObject({ type: 'error', code: 'busy', id: 'b' });
    const done = await raw.next((e) => e.type === 'done', 15_000);
    expect(done).toMatchObject({ id: 'a', reply: { model: 'slow', finish_reason: 'stop' } });
    // Free again once done.
    raw.send({ type: 'message', id: 'c', text: '你好' });
    expect(await raw.next((e) => e.type === 'ack')).toEqual({ type: 'ack', id: 'c' });
    await raw.next((e) => e.type === 'done');
    raw.ws.close();
  });

  it('stops generating when the socket closes, and keeps what was said', async () => {
    const kefu = new KefuClient({ url: h.wsUrl, WebSocket, reconnect: false });
    const { sessionId } = await kefu.connect();
    const before = runs.length;
    const reply = kefu.send(QUESTION)[Symbol.asyncIterator]();
    let first = await reply.next();
    while (!first.done && first.value.type !== 'delta') first = await reply.next();
    expect(first.value).toMatchObject({ type: 'delta' });
    kefu.close();
    await expect(reply.next()).rejects.toMatchObject({ code: 'closed' });

    const run = await eventually(() => (runs.length > before && runs.at(-1)!.finished ? runs.at(-1)! : null));
    expect(run.aborted).toBe(true);
    expect(run.yielded).toBeLessThan(SENTENCES / 2);
    // The partial reply is in the transcript, marked as aborted.
    const stored = await eventually(async () => (await h.server.kefu.store.listMessages(sessionId)).find((m) => m.role === 'assistant') ?? null);
    expect(stored.meta['finishReason']).toBe('abort');
    expect(stored.content).toContain('7天内');
    expect(h.server.kefu.metrics.activeStreams).toBeDefined();
    await eventually(async () => ((await h.server.kefu.metrics.activeStreams.get()).values[0]?.value === 0 ? true : null));
  });
});
