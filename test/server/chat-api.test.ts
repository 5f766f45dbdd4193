import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { ADMIN_KEY, postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

describe('POST /v1/chat on the demo shop (retrieval-only)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('answers the return policy question in Chinese from the KB, with sources', async () => {
    const res = await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as ChatReply;
    expect(body.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.intent).toBe('return');
    expect(body.sources.length).toBeGreaterThan(0);
    expect(body.reply).toMatch(/7\s*天|七天/);
    expect(body.reply).toContain('[1]');
    expect(body.handoff).toBe(false);
    expect(body.cached).toBe(false);
  });

  it('answers the shipping question in English from the KB', async () => {
    const res = await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take?' });
    const body = (await res.json()) as ChatReply;
    expect(body.intent).toBe('logistics');
    expect(body.sources.length).toBeGreaterThan(0);
    expect(body.reply).toMatch(/day/i);
    expect(body.emotion).toEqual({ label: 'neutral', intensity: 0 });
  });

  it('streams SSE events: sources, delta, done with the full object', async () => {
    const res = await postJson(`${server.url}/v1/chat`, { message: 'How do I get an invoice?', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const events = await readSse(res);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('sources');
    expect(names).toContain('delta');
    expect(names.at(-1)).toBe('done');
    const text = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    const done = events.at(-1)!.data as ChatReply;
    expect(done.reply).toBe(text);
    expect(done.intent).toBe('invoice');
  });

  it('uses Accept: text/event-stream to choose streaming', async () => {
    const res = await postJson(`${server.url}/v1/chat`, { message: '怎么开发票' }, { accept: 'text/event-stream' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(events.at(-1)!.event).toBe('done');
  });

  it('keeps a multi-turn session and shows the masked transcript to admins only', async () => {
    const first = (await (await postJson(`${server.url}/v1/chat`, { message: '你好' })).json()) as ChatReply;
    expect(first.intent).toBe('greeting');
    const second = (await (await postJson(`${server.url}/v1/chat`, { message: '我的手机号是13812345678,退款多久到账?', session_id: first.session_id })).json()) as ChatReply;
    expect(second.session_id).toBe(first.session_id);
    expect(second.intent).toBe('refund');

    expect((await fetch(`${server.url}/v1/sessions/${first.session_id}`)).status).toBe(401);
    expect((await fetch(`${server.url}/v1/sessions/${first.session_id}`, { headers: { authorization: 'Bearer wrong-key-wrong-key' } })).status).toBe(403);
    const res = await fetch(`${server.url}/v1/sessions/${first.session_id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const transcript = (await res.json()) as { messages: { role: string; content: string }[] };
    expect(transcript.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(JSON.stringify(transcript)).not.toContain('13812345678');
    // Stored as the session's pseudonym: the original only lives in the encrypted vault.
    expect(transcript.messages[2]!.content).toContain('[PHONE_1]');
  });

  it('hands off to a human when asked', async () => {
    const res = await postJson(`${server.url}/v1/chat`, { message: '转人工', stream: true });
    const events = await readSse(res);
    expect(events.map((e) => e.event)).toContain('handoff');
    expect((events.at(-1)!.data as ChatReply).handoff).toBe(true);
  });

  it('says it does not know instead of inventing an answer', async () => {
    const body = (await (await postJson(`${server.url}/v1/chat`, { message: 'quantum chromodynamics lattice gauge theory' })).json()) as ChatReply;
    expect(body.sources).toEqual([]);
    expect(body.reply).toMatch(/couldn't find|human/i);
  });
});
