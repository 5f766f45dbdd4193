import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient } from '../channels/app/app-harness.ts';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** One code point, two UTF-16 units: what a customer types as one character. */
const EMOJI = '😀';
const LIMIT = 10;

describe('the message limit counts characters as customers see them (code points)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_MAX_MESSAGE_CHARS: String(LIMIT), KEFU_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await server.destroy();
  });

  const code = async (res: Response): Promise<string> => (res.ok ? 'ok' : ((await res.json()) as { error: { code: string } }).error.code);

  it('/v1/chat: emoji up to the limit pass, one more is refused and counted in characters', async () => {
    expect(await code(await postJson(`${server.url}/v1/chat`, { message: EMOJI.repeat(LIMIT) }))).toBe('ok');
    expect(await code(await postJson(`${server.url}/v1/chat`, { message: `好${EMOJI.repeat(LIMIT - 1)}` }))).toBe('ok');
    const over = await postJson(`${server.url}/v1/chat`, { message: EMOJI.repeat(LIMIT + 1) });
    expect(over.status).toBe(400);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('message_too_long');
    expect(body.error.message).toContain(`${LIMIT + 1} characters`);
  });

  it('/v1/chat/completions: the same limit', async () => {
    const ask = (content: string) => postJson(`${server.url}/v1/chat/completions`, { model: 'kefu', messages: [{ role: 'user', content }] });
    expect(await code(await ask(EMOJI.repeat(LIMIT)))).toBe('ok');
    expect(await code(await ask(EMOJI.repeat(LIMIT + 1)))).toBe('message_too_long');
  });

  it('the app WebSocket: the same limit', async () => {
    const client = await rawClient(`${server.url.replace(/^http/, 'ws')}/v1/ws`);
    try {
      client.send({ type: 'hello' });
      await client.next((e) => e.type === 'ready');
      client.send({ type: 'message', id: 'a', text: EMOJI.repeat(LIMIT) });
      expect(await client.next((e) => e.id === 'a' && (e.type === 'done' || e.type === 'error'), 10_000)).toMatchObject({ type: 'done' });
      client.send({ type: 'message', id: 'b', text: EMOJI.repeat(LIMIT + 1) });
      expect(await client.next((e) => e.id === 'b' && (e.type === 'done' || e.type === 'error'))).toMatchObject({ type: 'error', code: 'message_too_long' });
    } finally {
      client.ws.close();
    }
  });
});
