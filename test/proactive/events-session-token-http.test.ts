import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../support/isolate-key-dir.ts';
import { ADMIN_KEY, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Issue 13, item 3 (follow-up): every customer entry needs the session token (or a key) to act
 * on an existing session, but `POST /v1/events` took any `session_id` as given, so a stranger
 * could attach page events and proactive triggers to someone else's conversation by its name.
 * Through the real app.
 */
let server: TestServer;
let session: { id: string; token: string };

const event = { visitor_id: 'visitor-1', type: 'page_view', page: '/products/1', dwell_ms: 0 };
async function postEvent(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as { error?: { code: string } };
  return { status: res.status, ...(json.error === undefined ? {} : { code: json.error.code }) };
}

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: '运费怎么算?' }) });
  const reply = (await res.json()) as { session_id: string; session_token: string };
  expect(typeof reply.session_token).toBe('string');
  session = { id: reply.session_id, token: reply.session_token };
});
afterAll(async () => {
  await server?.destroy();
});

describe('POST /v1/events with a session_id', () => {
  it('needs the session token, in the body or the header', async () => {
    expect(await postEvent({ ...event, session_id: session.id })).toEqual({ status: 401, code: 'session_token_required' });
    expect(await postEvent({ ...event, session_id: session.id, session_token: 'not-the-token' })).toEqual({ status: 403, code: 'invalid_session_token' });
    expect(await postEvent({ ...event, session_id: session.id }, { 'x-kefu-session-token': 'not-the-token' })).toEqual({ status: 403, code: 'invalid_session_token' });
    expect(await postEvent({ ...event, session_id: session.id, session_token: session.token })).toEqual({ status: 200 });
    expect(await postEvent({ ...event, session_id: session.id }, { 'x-kefu-session-token': session.token })).toEqual({ status: 200 });
  });

  it('is not found for an unknown session or another tenant’s key; an admin key stands in for the token', async () => {
    expect(await postEvent({ ...event, session_id: 'no-such-session', session_token: session.token })).toEqual({ status: 404, code: 'session_not_found' });
    const made = await fetch(`${server.url}/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ name: 'shop-b', role: 'channel', tenant: 'shop-b' }) });
    const { key } = (await made.json()) as { key: string };
    expect(await postEvent({ ...event, session_id: session.id }, { authorization: `Bearer ${key}` })).toEqual({ status: 404, code: 'session_not_found' });
    expect(await postEvent({ ...event, session_id: session.id }, { authorization: 'Bearer wrong-key' })).toEqual({ status: 403, code: 'forbidden' });
    expect(await postEvent({ ...event, session_id: session.id }, { authorization: `Bearer ${ADMIN_KEY}` })).toEqual({ status: 200 });
  });

  it('a visitor without a session still reports events', async () => {
    expect(await postEvent(event)).toEqual({ status: 200 });
  });
});
