import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** Keys per role and tenant, tenant isolation, CORS and security headers, over HTTP. */
let server: TestServer;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function createKey(name: string, role: string, tenant?: string): Promise<{ id: string; key: string }> {
  const res = await postJson(`${server.url}/v1/keys`, { name, role, ...(tenant ? { tenant } : {}) }, admin);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.destroy());

describe('access control', () => {
  it('isolates tenants: channel keys place conversations, agent keys see only their tenant', async () => {
    const acmeApp = await createKey('acme app', 'channel', 'acme');
    const acmeAgent = await createKey('xiaowang', 'agent', 'acme');
    const otherAgent = await createKey('li', 'agent', 'globex');

    // An acme customer asks for a person through acme's app backend.
    const chat = (await (await postJson(`${server.url}/v1/chat`, { message: '转人工' }, bearer(acmeApp.key))).json()) as { session_id: string; handoff: boolean };
    expect(chat.handoff).toBe(true);
    // A public web customer does the same (tenant default).
    const web = (await (await postJson(`${server.url}/v1/chat`, { message: '转人工' })).json()) as { session_id: string };

    const list = async (key: string) => ((await (await fetch(`${server.url}/v1/handoffs`, { headers: bearer(key) })).json()) as { handoffs: { session_id: string; id: string }[] }).handoffs.map((h) => h.session_id);
    expect(await list(acmeAgent.key)).toEqual([chat.session_id]);
    expect(await list(otherAgent.key)).toEqual([]);
    expect(await list(ADMIN_KEY)).toEqual(expect.arrayContaining([chat.session_id, web.session_id]));

    // Another tenant's agent cannot read, claim or write into it: "not found", not "forbidden".
    expect((await fetch(`${server.url}/v1/sessions/${chat.session_id}`, { headers: bearer(otherAgent.key) })).status).toBe(404);
    expect((await postJson(`${server.url}/v1/sessions/${chat.session_id}/agent-messages`, { text: 'hi' }, bearer(otherAgent.key))).status).toBe(404);
    const [handoff] = ((await (await fetch(`${server.url}/v1/handoffs`, { headers: bearer(acmeAgent.key) })).json()) as { handoffs: { id: string }[] }).handoffs;
    expect((await postJson(`${server.url}/v1/handoffs/${handoff!.id}/claim`, {}, bearer(otherAgent.key))).status).toBe(404);

    // Its own agent claims as itself and replies.
    const claimed = await postJson(`${server.url}/v1/handoffs/${handoff!.id}/claim`, {}, bearer(acmeAgent.key));
    expect(((await claimed.json()) as { agent: string }).agent).toBe('xiaowang');
    expect((await postJson(`${server.url}/v1/sessions/${chat.session_id}/agent-messages`, { text: '您好' }, bearer(acmeAgent.key))).status).toBe(201);
    const transcript = (await (await fetch(`${server.url}/v1/sessions/${chat.session_id}`, { headers: bearer(acmeAgent.key) })).json()) as { tenant: string };
    expect(transcript.tenant).toBe('acme');

    // The session cannot be continued from the public web or another tenant's channel.
    expect((await postJson(`${server.url}/v1/chat`, { message: 'hi', session_id: chat.session_id })).status).toBe(404);
  });

  it('keeps roles apart and honours revocation', async () => {
    const agent = await createKey('zhang', 'agent');
    expect((await postJson(`${server.url}/v1/keys`, { name: 'x', role: 'admin' }, bearer(agent.key))).status).toBe(403);
    expect((await fetch(`${server.url}/v1/tickets`, { headers: bearer(agent.key) })).status).toBe(403);
    expect((await fetch(`${server.url}/v1/handoffs`, { headers: bearer(agent.key) })).status).toBe(200);
    const keys = (await (await fetch(`${server.url}/v1/keys`, { headers: admin })).json()) as { keys: Record<string, unknown>[] };
    expect(JSON.stringify(keys)).not.toContain(agent.key);
    expect((await fetch(`${server.url}/v1/keys/${agent.id}`, { method: 'DELETE', headers: admin })).status).toBe(200);
    expect((await fetch(`${server.url}/v1/handoffs`, { headers: bearer(agent.key) })).status).toBe(403);
    expect((await postJson(`${server.url}/v1/chat`, { message: 'hi' }, bearer('kefu_channel_made-up'))).status).toBe(403);
    expect((await postJson(`${server.url}/v1/keys`, { name: 'bad', role: 'root' }, admin)).status).toBe(400);
    expect((await postJson(`${server.url}/v1/keys`, { name: 'x', role: 'agent', tenant: 'Not Valid!' }, admin)).status).toBe(400);
  });

  it('answers CORS preflights on the API and sends security headers', async () => {
    const pre = await fetch(`${server.url}/v1/chat`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
