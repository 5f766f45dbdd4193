import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../../support/start-test-server.ts';

/**
 * Issue 13: /v1/pii/* was public and not rate limited, so anyone could make the server run every
 * recognizer over 20,000 characters at will. Over HTTP on the real app: a key is needed, and a
 * channel key (a shop's server) is enough.
 */
let server: TestServer;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.destroy());

describe('/v1/pii on the real app', () => {
  it('needs a key: none 401, a made-up one 403, a channel key 200', async () => {
    const text = '我叫张伟，电话13812345678';
    const none = await postJson(`${server.url}/v1/pii/analyze`, { text });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await postJson(`${server.url}/v1/pii/mask`, { text }, { authorization: 'Bearer kefu_channel_made-up' })).status).toBe(403);
    const created = await postJson(`${server.url}/v1/keys`, { name: 'shop backend', role: 'channel' }, admin);
    const { key } = (await created.json()) as { key: string };
    const ok = await postJson(`${server.url}/v1/pii/mask`, { text }, { authorization: `Bearer ${key}` });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { text: string }).text).toBe('我叫[姓名]，电话[手机号]');
    expect(ok.headers.get('ratelimit-limit') ?? ok.headers.get('ratelimit-policy')).not.toBeNull();
  });
});
