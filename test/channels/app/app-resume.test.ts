import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KefuClient, type KefuMessage } from '../../../sdk/kefu-client.ts';
import { messageEvent } from '../../../src/channels/app/app-protocol.ts';
import { attachAppSocket } from '../../../src/channels/app/app-socket-server.ts';
import { createSessionEvents } from '../../../src/channels/app/session-events.ts';
import type { StoredMessage } from '../../../src/contracts/conversation-store.ts';
import { ADMIN_KEY, postJson } from '../../support/start-test-server.ts';
import { eventually, rawClient, startAppHarness, type AppHarness } from './app-harness.ts';

/**
 * Agent replies reach the app live and survive a dropped connection: the agent works through the
 * real HTTP agent API, the customer through the SDK, and the network is cut in between.
 */
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
let h: AppHarness;

// The SDK takes its WebSocket; this one can be cut off and kept off the network.
const sockets: WebSocket[] = [];
let offline = false;
class FlakyWebSocket extends WebSocket {
  constructor(url: string) {
    super(offline ? url.replace(/:\d+\//, ':1/') : url);
    sockets.push(this);
  }
}

beforeAll(async () => {
  h = await startAppHarness({ socket: { pollMs: 100 } });
});
afterAll(async () => h?.close());

async function claim(sessionId: string): Promise<void> {
  const queued = (await (await fetch(`${h.url}/v1/handoffs`, { headers: admin })).json()) as { handoffs: { id: string; session_id: string }[] };
  const mine = queued.handoffs.find((x) => x.session_id === sessionId)!;
  expect((await postJson(`${h.url}/v1/handoffs/${mine.id}/claim`, { agent: 'xiaowang' }, admin)).status).toBe(200);
}

async function agentSays(sessionId: string, text: string): Promise<string> {
  const res = await postJson(`${h.url}/v1/sessions/${sessionId}/agent-messages`, { text, agent: 'xiaowang' }, admin);
  expect(res.status).toBe(201);
  return ((await res.json()) as { message_id: string }).message_id;
}

describe('agent replies and resume', () => {
  it('pushes agent replies live, and replays the ones sent while the app was away', async () => {
    const kefu = new KefuClient({ url: h.wsUrl, WebSocket: FlakyWebSocket, reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, pingIntervalMs: 1000 });
    const messages: KefuMessage[] = [];
    const readies: { sessionId: string; resumed: boolean }[] = [];
    const drops: number[] = [];
    kefu.on('message', (m) => messages.push(m));
    kefu.on('ready', (r) => readies.push(r));
    kefu.on('disconnect', (d) => drops.push(d.code));
    try {
      const { sessionId } = await kefu.connect();
      expect((await kefu.ask('转人工')).handoff).toBe(true);
      await claim(sessionId);
      await eventually(() => messages.find((m) => m.role === 'system' && m.content.includes('xiaowang')) ?? null);

      const firstId = await agentSays(sessionId, '您好,我是小王,请问有什么可以帮您?');
      const live = await eventually(() => messages.find((m) => m.role === 'agent') ?? null);
      expect(live).toMatchObject({ id: firstId, content: expect.stringContaining('我是小王'), created_at: expect.any(String) });
      expect(kefu.lastMessageId).toBe(firstId);

      // The network goes; the agent keeps typing; the customer asks something meanwhile.
      offline = true;
      sockets.at(-1)!.terminate();
      await eventually(() => (drops.length > 0 ? true : null));
      const secondId = await agentSays(sessionId, '您的订单已经帮您查到了。');
      const asked = kefu.ask('还在吗');
      await new Promise((r) => setTimeout(r, 300));
      expect(kefu.connected).toBe(false);
      offline = false;

      await eventually(() => (readies.length === 2 ? true : null));
      expect(readies[1]).toEqual({ sessionId, resumed: true });
      const replayed = await eventually(() => messages.find((m) => m.id === secondId) ?? null);
      expect(replayed.content).toContain('查到了');
      // The message sent while offline went out once the session was back; the agent owns it, so the bot is silent.
      expect(await asked).toMatchObject({ session_id: sessionId, reply: '', handoff: true });

      // Several polls later, still nothing twice.
      await new Promise((r) => setTimeout(r, 400));
      expect(messages.filter((m) => m.role === 'agent').map((m) => m.id)).toEqual([firstId, secondId]);
      expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
      expect(kefu.lastMessageId).toBe(secondId);

      // The protocol underneath: hello with last_message_id replays what came after it.
      const raw = await rawClient(h.wsUrl);
      raw.send({ type: 'hello', session_id: sessionId, session_token: kefu.sessionToken, last_message_id: firstId });
      expect(await raw.next()).toEqual({ type: 'ready', session_id: sessionId, resumed: true });
      expect(await raw.next()).toMatchObject({ type: 'message', message: { id: secondId, role: 'agent' } });
      raw.ws.close();

      const unknown = await rawClient(h.wsUrl);
      unknown.send({ type: 'hello', session_id: sessionId, session_token: kefu.sessionToken, last_message_id: 'gone' });
      expect((await unknown.next()).type).toBe('ready');
      expect(await unknown.next()).toMatchObject({ type: 'error', code: 'message_not_found' });
      unknown.ws.close();
    } finally {
      kefu.close();
    }
  });

  it('a new app run resumes a kept session with the SDK', async () => {
    const first = new KefuClient({ url: h.wsUrl, WebSocket });
    const { sessionId } = await first.connect();
    await first.ask('转人工');
    await claim(sessionId);
    const seenId = await agentSays(sessionId, '您好');
    await eventually(() => (first.lastMessageId === seenId ? true : null));
    // What an app keeps across runs: the session, its token and where it was.
    const kept = { sessionId: first.sessionId!, sessionToken: first.sessionToken!, lastMessageId: first.lastMessageId! };
    first.close();

    const missedId = await agentSays(sessionId, '稍等,我看一下物流。');
    const second = new KefuClient({ url: h.wsUrl, WebSocket, ...kept });
    const got: KefuMessage[] = [];
    second.on('message', (m) => got.push(m));
    try {
      expect(await second.connect()).toEqual({ sessionId });
      await eventually(() => (got.length > 0 ? true : null));
      expect(got.map((m) => m.id)).toEqual([missedId]);
    } finally {
      second.close();
    }
  });

  it('pushes published session events at once and broadcasts to a session', async () => {
    // A second endpoint on the same server that hears only the in-process events (no poll).
    const events = createSessionEvents();
    const bus = attachAppSocket(h.http, { pipeline: h.server.kefu.pipeline, store: h.server.kefu.store, sessions: h.server.kefu.sessions, identify: h.identify, maxMessageChars: 2000, logger: h.server.kefu.logger, path: '/v1/ws-bus', pollMs: 3_600_000, events });
    try {
      const raw = await rawClient(h.wsUrl.replace('/v1/ws', '/v1/ws-bus'));
      raw.send({ type: 'hello' });
      const { session_id: sessionId } = (await raw.next()) as { session_id: string };
      const stored: StoredMessage = { id: randomUUID(), conversationId: sessionId, role: 'agent', content: '来自事件', createdAt: Date.now(), meta: {} };
      await h.server.kefu.store.appendMessage(stored);
      events.publish(sessionId, stored);
      expect(await raw.next()).toMatchObject({ type: 'message', message: { id: stored.id, content: '来自事件', role: 'agent' } });
      // The same message again (a publish and a broadcast racing) is not sent twice.
      events.publish(sessionId, stored);
      expect(bus.broadcastToSession(sessionId, messageEvent(stored))).toBe(1);
      raw.send({ type: 'ping' });
      expect(await raw.next()).toEqual({ type: 'pong' });
      const notice: StoredMessage = { ...stored, id: randomUUID(), role: 'system', content: 'agent resolved the conversation' };
      expect(bus.broadcastToSession(sessionId, messageEvent(notice))).toBe(1);
      expect(await raw.next()).toMatchObject({ type: 'message', message: { id: notice.id, role: 'system' } });
      expect(bus.broadcastToSession('some-other-session', messageEvent(notice))).toBe(0);
      raw.ws.close();
    } finally {
      await bus.close();
    }
  });
});
