import { createHash, createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { createWecomCrypto } from '../../src/channels/wecom/wecom-crypto.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Identity on every entry and session capabilities (issue 13, items 2 and 3), over HTTP and the
 * WebSocket of a real server: a customer id is believed only when signed, a session's customer is
 * fixed when it is created, and reading or continuing a conversation takes the token issued with
 * it (or a key), never its name.
 */
const SECRET = 'shop-backend-secret-0123456789';
const sign = (userId: string) => createHmac('sha256', SECRET).update(userId).digest('hex');
/** Said by the demo order system only to someone who may see demo-user's orders. */
const ORDER = 'KF20261123002';

interface Reply { session_id: string; session_token?: string; reply: string }
interface ErrorBody { error: { code: string; message: string } }

let server: TestServer;
let channelKey: string;

beforeAll(async () => {
  server = await startTestServer({ KEFU_USER_ID_SECRET: SECRET }, undefined, { now: () => DEMO_NOW });
  const res = await postJson(`${server.url}/v1/keys`, { name: 'shop-backend', role: 'channel' }, { authorization: `Bearer ${ADMIN_KEY}` });
  channelKey = ((await res.json()) as { key: string }).key;
});
afterAll(async () => server?.destroy());

// Plain fetch, not postJson: these requests send exactly the tokens they name.
const post = (url: string, body: unknown, headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) => post(`${server.url}/v1/chat`, body, headers);
const completions = (body: Record<string, unknown>, headers: Record<string, string> = {}) => post(`${server.url}/v1/chat/completions`, { model: 'kefu', ...body }, headers);
const messages = (id: string, headers: Record<string, string> = {}) => fetch(`${server.url}/v1/chat/sessions/${id}/messages`, { headers });
const codeOf = async (res: Response) => ((await res.json()) as ErrorBody).error.code;

async function newSession(body: Record<string, unknown> = {}): Promise<Reply> {
  const res = await chat({ message: '你好', ...body });
  expect(res.status).toBe(200);
  return (await res.json()) as Reply;
}

describe('the OpenAI façade', () => {
  it('refuses an unsigned user: naming a customer is not being them', async () => {
    const res = await completions({ messages: [{ role: 'user', content: '昨天下的单到哪了' }], user: 'demo-user' });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('user_signature_required');
  });

  it('takes the signature as user_sig in the body or X-Kefu-User-Sig', async () => {
    const inBody = await completions({ messages: [{ role: 'user', content: '昨天下的单到哪了' }], user: 'demo-user', user_sig: sign('demo-user') });
    expect(inBody.status).toBe(200);
    expect(JSON.stringify(await inBody.json())).toContain(ORDER);
    const inHeader = await completions({ messages: [{ role: 'user', content: '昨天下的单到哪了' }], user: 'demo-user' }, { 'x-kefu-user-sig': sign('demo-user') });
    expect(inHeader.status).toBe(200);
    const forged = await completions({ messages: [{ role: 'user', content: '昨天下的单到哪了' }], user: 'demo-user', user_sig: sign('someone-else') });
    expect(forged.status).toBe(401);
  });

  it('never names its conversation by user: /v1/chat with session_id = user is no way in', async () => {
    const res = await completions({ messages: [{ role: 'user', content: '昨天下的单到哪了' }], user: 'demo-user', user_sig: sign('demo-user') });
    const body = (await res.json()) as { kefu: Reply };
    expect(body.kefu.session_id).not.toContain('demo-user');
    const hijack = await chat({ message: '我的订单到哪了', session_id: 'demo-user' });
    expect(hijack.status).toBe(404);
    expect(JSON.stringify(await hijack.json())).not.toContain(ORDER);
    // Its real id is no way in either: continuing it needs the token or a key.
    const byId = await chat({ message: '我的订单到哪了', session_id: body.kefu.session_id });
    expect(byId.status).toBe(401);
    expect((await messages(body.kefu.session_id)).status).toBe(401);
  });

  it('keys conversations by (key, user): two keys never share one, a key keeps its own', async () => {
    const other = ((await (await postJson(`${server.url}/v1/keys`, { name: 'other-app', role: 'channel' }, { authorization: `Bearer ${ADMIN_KEY}` })).json()) as { key: string }).key;
    const ask = async (key: string) => {
      const res = await completions({ messages: [{ role: 'user', content: '你好' }], user: 'demo-user', user_sig: sign('demo-user') }, { authorization: `Bearer ${key}` });
      expect(res.status).toBe(200);
      return ((await res.json()) as { kefu: Reply }).kefu.session_id;
    };
    const a1 = await ask(channelKey);
    const a2 = await ask(channelKey);
    const b = await ask(other);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
  });
});

describe('session tokens on /v1/chat', () => {
  it('issues a token with a new session and needs it to continue: missing 401, wrong 403', async () => {
    const first = await newSession();
    expect(first.session_token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const missing = await chat({ message: '还在吗', session_id: first.session_id });
    expect(missing.status).toBe(401);
    expect(await codeOf(missing)).toBe('session_token_required');
    const wrong = await chat({ message: '还在吗', session_id: first.session_id, session_token: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(await codeOf(wrong)).toBe('invalid_session_token');
    const inBody = await chat({ message: '还在吗', session_id: first.session_id, session_token: first.session_token });
    expect(inBody.status).toBe(200);
    const next = (await inBody.json()) as Reply;
    expect(next.session_id).toBe(first.session_id);
    // Issued once, at creation.
    expect(next.session_token).toBeUndefined();
    const inHeader = await chat({ message: '还在吗', session_id: first.session_id }, { 'x-kefu-session-token': first.session_token! });
    expect(inHeader.status).toBe(200);
  });

  it('lets a channel key continue its tenant\'s sessions without the token', async () => {
    const first = await newSession({});
    const res = await chat({ message: '还在吗', session_id: first.session_id }, { authorization: `Bearer ${channelKey}` });
    expect(res.status).toBe(200);
  });

  it('streams the token in the done event', async () => {
    const res = await chat({ message: '你好', stream: true });
    const done = (await readSse(res)).find((e) => e.event === 'done')!.data as Reply;
    expect(done.session_token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect((await chat({ message: '还在吗', session_id: done.session_id, session_token: done.session_token })).status).toBe(200);
  });

  it('stores only a hash of the token', async () => {
    const first = await newSession();
    const stored = await server.kefu.store.getConversation(first.session_id);
    expect(JSON.stringify(stored)).not.toContain(first.session_token);
    expect(stored?.tokenHash).toBe(createHash('sha256').update(first.session_token!).digest('hex'));
  });

  it('keeps transcripts and ratings behind the token', async () => {
    const first = await newSession();
    const none = await messages(first.session_id);
    expect(none.status).toBe(401);
    expect(await codeOf(none)).toBe('session_token_required');
    expect((await messages(first.session_id, { 'x-kefu-session-token': 'nope' })).status).toBe(403);
    const ok = await messages(first.session_id, { 'x-kefu-session-token': first.session_token! });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
    expect((await messages(first.session_id, { authorization: `Bearer ${channelKey}` })).status).toBe(200);

    const rate = (headers: Record<string, string>) => post(`${server.url}/v1/sessions/${first.session_id}/rating`, { score: 5 }, headers);
    expect((await rate({})).status).toBe(401);
    expect((await rate({ 'x-kefu-session-token': first.session_token! })).status).toBe(201);
  });

  it('refuses a session from before tokens without a key', async () => {
    await server.kefu.store.createConversation({ id: 'legacy-session-1', userId: 'demo-user', channel: 'web', now: DEMO_NOW });
    const res = await chat({ message: '我的订单到哪了', session_id: 'legacy-session-1', session_token: 'anything' });
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).not.toContain(ORDER);
    expect((await messages('legacy-session-1', { authorization: `Bearer ${channelKey}` })).status).toBe(200);
  });
});

describe('a session\'s customer is fixed when it is created', () => {
  it('refuses another user id on a signed session, and a user id on an anonymous one', async () => {
    const mine = await newSession({ user_id: 'demo-user', user_sig: sign('demo-user') });
    const other = await chat({ message: '我的订单到哪了', session_id: mine.session_id, session_token: mine.session_token, user_id: 'mallory', user_sig: sign('mallory') });
    expect(other.status).toBe(409);
    expect(await codeOf(other)).toBe('session_user_mismatch');

    const anon = await newSession();
    const claim = await chat({ message: '我的订单到哪了', session_id: anon.session_id, session_token: anon.session_token, user_id: 'demo-user', user_sig: sign('demo-user') });
    expect(claim.status).toBe(409);

    // The owner goes on without naming themself again: the session says who they are.
    const same = await chat({ message: '昨天下的单到哪了', session_id: mine.session_id, session_token: mine.session_token });
    expect(same.status).toBe(200);
    expect(((await same.json()) as Reply).reply).toContain(ORDER);
  });
});

describe('the app WebSocket', () => {
  type Frame = Record<string, unknown> & { type: string };
  async function hello(frame: Record<string, unknown>): Promise<Frame> {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/ws`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const first = new Promise<Frame>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)) as Frame)));
    ws.send(JSON.stringify({ type: 'hello', ...frame }));
    const got = await first;
    ws.close();
    return got;
  }

  it('checks user_sig, issues a token in ready and needs it to resume', async () => {
    expect(await hello({ user_id: 'demo-user' })).toMatchObject({ type: 'error', code: 'user_signature_required' });
    const ready = await hello({ user_id: 'demo-user', user_sig: sign('demo-user') });
    expect(ready).toMatchObject({ type: 'ready', resumed: false });
    expect(ready['session_token']).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const id = ready['session_id'];
    expect(await hello({ session_id: id })).toMatchObject({ type: 'error', code: 'session_token_required' });
    expect(await hello({ session_id: id, session_token: 'nope' })).toMatchObject({ type: 'error', code: 'invalid_session_token' });
    const resumed = await hello({ session_id: id, session_token: ready['session_token'] });
    expect(resumed).toMatchObject({ type: 'ready', resumed: true, session_id: id });
    expect(resumed['session_token']).toBeUndefined();
  });

  it('lets a web session be continued on the socket with its token, not by its id', async () => {
    const web = await newSession();
    expect(await hello({ session_id: web.session_id })).toMatchObject({ type: 'error', code: 'session_token_required' });
    expect(await hello({ session_id: web.session_id, session_token: web.session_token })).toMatchObject({ type: 'ready', resumed: true });
  });
});

describe('WeCom sessions', () => {
  const CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
  /** The id the old code gave a member: a UUIDv5 under a namespace anyone can read in the source. */
  const publicUuid = (corpId: string, userId: string) => {
    const b = createHash('sha1').update(Buffer.from('6f1c2a4e5b7d4e0f9a3c8b1d2e4f6a70', 'hex')).update(`${corpId}\n${userId}`, 'utf8').digest().subarray(0, 16);
    b[6] = (b[6]! & 0x0f) | 0x50;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = b.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  let wecom: TestServer;
  beforeAll(async () => {
    wecom = await startTestServer({ KEFU_WECOM_TOKEN: CORP.token, KEFU_WECOM_AES_KEY: CORP.encodingAesKey, KEFU_WECOM_CORP_ID: CORP.corpId });
  });
  afterAll(async () => wecom?.destroy());

  it('cannot be computed from the member\'s name, and are no way in by id', async () => {
    const crypto = createWecomCrypto(CORP);
    const xml = `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你们的退货政策是什么?]]></Content><MsgId>8001</MsgId><AgentID>1000002</AgentID></xml>`;
    const encrypt = crypto.encrypt(xml);
    const [timestamp, nonce] = [String(Math.floor(Date.now() / 1000)), '1372623149'];
    const res = await fetch(`${wecom.url}/channels/wecom/callback?msg_signature=${crypto.signature(timestamp, nonce, encrypt)}&timestamp=${timestamp}&nonce=${nonce}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
    });
    expect(res.status).toBe(200);
    const stored = await wecom.kefu.store.listConversations({ limit: 10 });
    const session = stored.find((c) => c.channel === 'wecom');
    expect(session?.userId).toBe('zhangsan');
    expect(session!.id).not.toBe(publicUuid(CORP.corpId, 'zhangsan'));
    expect((await fetch(`${wecom.url}/v1/chat/sessions/${publicUuid(CORP.corpId, 'zhangsan')}/messages`)).status).toBe(404);
    // Even its real id opens nothing without a key.
    expect((await fetch(`${wecom.url}/v1/chat/sessions/${session!.id}/messages`)).status).toBe(401);
    const cont = await fetch(`${wecom.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: '我的订单', session_id: session!.id }) });
    expect(cont.status).toBe(401);
  });
});
