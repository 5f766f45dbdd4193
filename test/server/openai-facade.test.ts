import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../support/start-test-server.ts';

describe('OpenAI-compatible façade with the official openai client', () => {
  let server: TestServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startTestServer();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('lists the kefu model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('kefu');
  });

  it('answers a non-streaming completion from the KB', async () => {
    const completion = await client.chat.completions.create({
      model: 'kefu',
      messages: [{ role: 'user', content: '你们的退货政策是什么?' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.choices[0]!.message.content).toMatch(/7\s*天|七天/);
  });

  it('streams a completion chunk by chunk and reports usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'kefu',
      messages: [{ role: 'user', content: 'How long does shipping take?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toMatch(/day/i);
    expect(finish).toBe('stop');
    expect(sawUsage).toBe(true);
  });

  it('keeps a conversation per (key, user), so turns accumulate server-side', async () => {
    const made = await fetch(`${server.url}/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ name: 'app', role: 'channel' }) });
    const keyed = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: ((await made.json()) as { key: string }).key, maxRetries: 0 });
    const user = `sdk-user-${Date.now()}`;
    const first = (await keyed.chat.completions.create({ model: 'kefu', user, messages: [{ role: 'user', content: '你好' }] })) as unknown as { kefu: { session_id: string } };
    await keyed.chat.completions.create({ model: 'kefu', user, messages: [{ role: 'user', content: '怎么开发票?' }] });
    // The session is not named by user: nobody else can open it by naming them.
    expect(first.kefu.session_id).not.toContain(user);
    const res = await fetch(`${server.url}/v1/sessions/${first.kefu.session_id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const transcript = (await res.json()) as { messages: unknown[]; channel: string };
    expect(transcript.messages).toHaveLength(4);
    expect(transcript.channel).toBe('api');
  });

  it('without a key (and without KEFU_USER_ID_SECRET) refuses the user field: it would be anyone\'s to name', async () => {
    await expect(client.chat.completions.create({ model: 'kefu', user: 'demo-user', messages: [{ role: 'user', content: '我的订单到哪了' }] })).rejects.toMatchObject({ status: 401 });
  });

  it('surfaces validation errors as OpenAI API errors', async () => {
    await expect(client.chat.completions.create({ model: 'kefu', messages: [] })).rejects.toMatchObject({ status: 400 });
    await expect(
      client.chat.completions.create({ model: 'kefu', messages: [{ role: 'system', content: 'only a system message' }] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
