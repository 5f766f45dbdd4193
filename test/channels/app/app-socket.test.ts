import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import { KefuClient, KefuClientError, type ReplyEvent, type ServerEvent as SdkEvent } from '../../../sdk/kefu-client.ts';
import type { ServerEvent } from '../../../src/channels/app/app-protocol.ts';
import { ADMIN_KEY, postJson } from '../../support/start-test-server.ts';
import { rawClient, startAppHarness, upgradeStatus, type AppHarness } from './app-harness.ts';

/** The app channel over a real socket: streaming, sessions, keys and bad input. */
let h: AppHarness;
const clients: KefuClient[] = [];
const client = (options: Partial<ConstructorParameters<typeof KefuClient>[0]> = {}) => {
  const c = new KefuClient({ url: h.wsUrl, WebSocket, ...options });
  clients.push(c);
  return c;
};
const collect = async (events: AsyncIterable<ReplyEvent>): Promise<ReplyEvent[]> => {
  const all: ReplyEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
};

beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await h?.close();
});

describe('app channel', () => {
  it('speaks the protocol the SDK declares', () => {
    expectTypeOf<ServerEvent>().toExtend<SdkEvent>();
  });

  it('streams an answer: ack, sources, deltas, then done with the deltas as its reply', async () => {
    const raw = await rawClient(h.wsUrl);
    raw.send({ type: 'hello' });
    const ready = await raw.next();
    expect(ready).toMatchObject({ type: 'ready', resumed: false, session_id: expect.any(String) });
    raw.send({ type: 'message', id: 'm1', text: '你们的退货政策是什么?' });
    const done = await raw.next((e) => e.type === 'done');
    const types = raw.events.slice(1).map((e) => e.type);
    expect(types[0]).toBe('ack');
    expect(types.at(-1)).toBe('done');
    expect(types).toContain('sources');
    expect(types.indexOf('sources')).toBeLessThan(types.indexOf('delta'));
    const deltas = raw.events.filter((e) => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(raw.events.slice(1).every((e) => e.id === 'm1')).toBe(true);
    const reply = done.reply as { reply: string; session_id: string; sources: unknown[] };
    expect(reply.reply).toBe(deltas.map((d) => d.text).join(''));
    expect(reply.reply).toMatch(/7/);
    expect(reply.session_id).toBe(ready.session_id);
    expect(reply.sources.length).toBeGreaterThan(0);
    raw.ws.close();
  });

  it('keeps the session over turns through the SDK, and hands off when asked', async () => {
    const kefu = client();
    const { sessionId } = await kefu.connect();
    const greeting = await kefu.ask('你好');
    expect(greeting.session_id).toBe(sessionId);
    expect(greeting.intent).toBe('greeting');
    const events = await collect(kefu.send('转人工'));
    expect(events.map((e) => e.type)).toContain('handoff');
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expect(done.reply).toMatchObject({ session_id: sessionId, handoff: true, intent: 'human_agent' });
    expect(done.reply.reply).toBe(events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join(''));
    const roles = (await h.server.kefu.store.listMessages(sessionId)).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect((await h.server.kefu.store.getConversation(sessionId))?.channel).toBe('app');
  });

  it('answers app-level pings and ignores typing', async () => {
    const raw = await rawClient(h.wsUrl);
    raw.send({ type: 'ping' });
    expect(await raw.next()).toEqual({ type: 'pong' });
    raw.send({ type: 'typing' });
    raw.send({ type: 'ping' });
    expect(await raw.next()).toEqual({ type: 'pong' });
    raw.ws.close();
  });

  it('turns bad input into error events and stays up', async () => {
    const raw = await rawClient(h.wsUrl);
    raw.send('{not json');
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid_json' });
    raw.send({ type: 'shout', text: 'x' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    raw.send({ type: 'message', id: 'x1', text: 42 });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid_message', id: 'x1', message: expect.stringContaining('text') });
    raw.send([1, 2]);
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    raw.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    raw.send({ type: 'message', id: 'early', text: 'hi' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'not_ready', id: 'early' });
    raw.send({ type: 'hello', session_id: 'no such session' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    raw.send({ type: 'hello', session_id: 'nonexistent-session' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'session_not_found' });

    raw.send({ type: 'hello' });
    const ready = await raw.next();
    expect(ready.type).toBe('ready');
    raw.send({ type: 'hello' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'already_ready' });
    raw.send({ type: 'message', id: 'long', text: '长'.repeat(2001) });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'message_too_long', id: 'long' });
    raw.send({ type: 'message', id: 'blank', text: '   ' });
    expect(await raw.next()).toMatchObject({ type: 'error', code: 'empty_message', id: 'blank' });
    // Still usable after all that.
    raw.send({ type: 'message', id: 'ok', text: '你好' });
    expect(await raw.next((e) => e.type === 'done')).toMatchObject({ id: 'ok', reply: { session_id: ready.session_id } });

    // A frame over maxPayload closes the connection with 1009 (message too big).
    raw.send({ type: 'message', id: 'huge', text: 'x'.repeat(200_000) });
    expect((await raw.closed).code).toBe(1009);
    // The server lived through it.
    const again = await rawClient(h.wsUrl);
    again.send({ type: 'ping' });
    expect(await again.next()).toEqual({ type: 'pong' });
    again.ws.close();
  });

  it('checks keys before the upgrade and places sessions in the key tenant', async () => {
    expect(await upgradeStatus(`${h.wsUrl}?key=wrong-key-wrong-key`)).toBe(401);
    expect(await upgradeStatus(h.wsUrl, { authorization: 'Bearer wrong-key-wrong-key' })).toBe(401);
    expect(await upgradeStatus(h.wsUrl.replace('/v1/ws', '/v1/elsewhere'))).toBe(404);
    expect(await upgradeStatus(h.wsUrl)).toBe(101);

    const created = await postJson(`${h.url}/v1/keys`, { name: 'acme app', role: 'channel', tenant: 'acme' }, { authorization: `Bearer ${ADMIN_KEY}` });
    const { key } = (await created.json()) as { key: string };
    const acme = client({ key, reconnect: false });
    const { sessionId } = await acme.connect();
    expect((await h.server.kefu.store.getConversation(sessionId))?.tenant).toBe('acme');
    expect(await upgradeStatus(h.wsUrl, { authorization: `Bearer ${key}` })).toBe(101);

    // Public callers (tenant default) cannot resume acme's session.
    const outsider = client({ sessionId, reconnect: false });
    await expect(outsider.connect()).rejects.toMatchObject({ code: 'session_not_found' });
    // Nor can a bad key connect at all.
    const bad = client({ key: 'wrong-key-wrong-key', reconnect: false });
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KefuClientError);
    expect((err as KefuClientError).code).toBe('connection_failed');
  });
});
