import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatReply } from '../../../src/contracts/reply-part.ts';
import { createLogger } from '../../../src/logging/create-logger.ts';
import { createMetrics } from '../../../src/metrics/create-metrics.ts';
import type { ChatPipeline, ChatRequest } from '../../../src/pipeline/chat-pipeline.ts';
import { createQueuedWecomSender } from '../../../src/channels/wecom/queued-wecom-sender.ts';
import { createSqliteJobQueue } from '../../../src/queue/sqlite-job-queue.ts';
import { createUserIdSealer } from '../../../src/safety/pii/stored-user-id.ts';
import { createErrorHandler } from '../../../src/server/error-handler.ts';
import { createWecomClient, type WecomSender } from '../../../src/channels/wecom/wecom-client.ts';
import { createWecomCrypto, type WecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { createMemoryWecomDedupe } from '../../../src/channels/wecom/wecom-dedupe.ts';
import { createRedisWecomDedupe, type RedisWecomDedupe } from '../../../src/channels/wecom/redis-wecom-dedupe.ts';
import { startRedis, type TestRedis } from '../../support/start-redis.ts';
import { wecomRoutes, type WecomRoutesDeps } from '../../../src/channels/wecom/wecom-routes.ts';
import { wecomSessionId } from '../../../src/channels/wecom/wecom-session-id.ts';
import { parseWecomMessage, type WecomMessage } from '../../../src/channels/wecom/wecom-xml.ts';
import { SESSION_ID_PATTERN } from '../../../src/sessions/session-id.ts';
import { gate, waitFor } from '../../queue/wait-for.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fake-wecom-api.ts';
import { MESSAGE, MESSAGE_BODY, VECTOR, VERIFY } from './wecom-vectors.ts';

const CALLBACK = '/channels/wecom/callback';
const logger = createLogger('silent');

/**
 * A ChatPipeline that answers from `answer`, recording its requests. It stands in for the real
 * pipeline so these tests look at the channel alone; the real pipeline behind this route is
 * exercised by the integration test the wiring engineer adds with the route to create-app.
 */
function stubPipeline(answer: (req: ChatRequest) => string | Promise<string>): ChatPipeline & { calls: ChatRequest[] } {
  const calls: ChatRequest[] = [];
  const reply = async (req: ChatRequest): Promise<ChatReply> => {
    calls.push(req);
    const text = await answer(req);
    return {
      session_id: req.sessionId ?? 'none',
      message_id: `m${calls.length}`,
      reply: text,
      intent: 'logistics',
      emotion: { label: 'neutral', intensity: 0 },
      handoff: false,
      sources: [],
      cached: false,
      model: 'retrieval',
    };
  };
  return {
    calls,
    run: reply,
    async *stream(req) {
      const r = await reply(req);
      yield { type: 'text-delta', text: r.reply };
      yield { type: 'done', reply: r };
    },
  };
}

/** The clock of the callbacks below (their signed timestamp is 1700000000): fresh by default. */
const CALLBACK_TIME = 1_700_000_000_000;

/** The server's session secret the member session ids are derived with. */
const SESSION_SECRET = 'test-session-secret-0123456789';

/** The route behind the same error handler create-app uses. */
function mount(deps: Partial<WecomRoutesDeps> & Pick<WecomRoutesDeps, 'crypto' | 'pipeline'>): Hono {
  const app = new Hono();
  app.route('/', wecomRoutes({ client: { sendText: async () => { throw new Error('no active send expected'); } }, dedupe: createMemoryWecomDedupe(), logger, now: () => CALLBACK_TIME, sessionSecret: SESSION_SECRET, ...deps }));
  app.onError(createErrorHandler(logger, createMetrics()));
  return app;
}

// A second enterprise, to build messages the way WeCom does with keys of our own.
const CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const corp = createWecomCrypto(CORP);
const SECRET = 'app-secret';

/** The plaintext XML of a member's text message, as WeCom sends it. */
const textXml = (from: string, content: string, msgId: string) =>
  `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;

/** Encrypts, signs and POSTs `xml` as WeCom would. */
function post(app: Hono, xml: string, crypto: WecomCrypto = corp, at = { timestamp: '1700000000', nonce: '1372623149' }): Promise<Response> {
  const encrypt = crypto.encrypt(xml);
  const signature = crypto.signature(at.timestamp, at.nonce, encrypt);
  return postSigned(app, encrypt, signature, at);
}

async function postSigned(app: Hono, encrypt: string, signature: string, at = { timestamp: '1700000000', nonce: '1372623149' }, body?: string): Promise<Response> {
  return await app.request(`${CALLBACK}?msg_signature=${signature}&timestamp=${at.timestamp}&nonce=${at.nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: body ?? `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
  });
}

/** Checks the passive reply's signature and decrypts it the way WeCom does. */
async function openReply(res: Response, crypto: WecomCrypto = corp): Promise<WecomMessage> {
  expect(res.status).toBe(200);
  const doc = new XMLParser({ parseTagValue: false }).parse(await res.text()) as { xml: Record<string, string> };
  const { Encrypt, MsgSignature, TimeStamp, Nonce } = doc.xml;
  if (Encrypt === undefined || MsgSignature === undefined || TimeStamp === undefined || Nonce === undefined) throw new Error('incomplete passive reply');
  expect(TimeStamp).toMatch(/^\d+$/);
  expect(crypto.verify(MsgSignature, TimeStamp, Nonce, Encrypt)).toBe(true);
  return parseWecomMessage(crypto.decrypt(Encrypt).message);
}

const errorCode = async (res: Response): Promise<string> => `${res.status} ${((await res.json()) as { error: { code: string } }).error.code}`;

describe('WeCom callback: URL verification (GET)', () => {
  // The official vector was signed in 2014: the clock stands at its timestamp.
  const app = mount({ crypto: createWecomCrypto(VECTOR), pipeline: stubPipeline(() => 'unused'), now: () => Number(VERIFY.timestamp) * 1000 });
  const url = (q: Record<string, string>) => `${CALLBACK}?${new URLSearchParams(q)}`;
  const official = { msg_signature: VERIFY.signature, timestamp: VERIFY.timestamp, nonce: VERIFY.nonce, echostr: VERIFY.echostr };

  it('answers the official vector with the decrypted echostr as plain text', async () => {
    const res = await app.request(url(official));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1616140317555161061');
  });

  it('also when WeCom left the + of the base64 unescaped', async () => {
    const raw = `${CALLBACK}?msg_signature=${VERIFY.signature}&timestamp=${VERIFY.timestamp}&nonce=${VERIFY.nonce}&echostr=${VERIFY.echostr}`;
    expect(await (await app.request(raw)).text()).toBe('1616140317555161061');
  });

  it('refuses a wrong signature with 403 and malformed requests with 400', async () => {
    expect(await errorCode(await app.request(url({ ...official, msg_signature: '0'.repeat(40) })))).toBe('403 wecom_bad_signature');
    expect(await errorCode(await app.request(url({ ...official, timestamp: '1409659590' })))).toBe('403 wecom_bad_signature');
    expect(await errorCode(await app.request(url({ ...official, echostr: '' })))).toBe('400 wecom_bad_request');
    expect(await errorCode(await app.request(url({ ...official, msg_signature: 'nope' })))).toBe('400 wecom_bad_request');
    // Signed correctly, but not something WeCom encrypted.
    const crypto = createWecomCrypto(VECTOR);
    const junk = Buffer.alloc(64, 1).toString('base64');
    const signed = { ...official, echostr: junk, msg_signature: crypto.signature(VERIFY.timestamp, VERIFY.nonce, junk) };
    expect(await errorCode(await app.request(url(signed)))).toBe('400 wecom_bad_message');
  });
});

describe('WeCom callback: messages (POST)', () => {
  let api: FakeWecomApi;
  beforeEach(async () => {
    api = await startFakeWecomApi({ corpId: CORP.corpId, secret: SECRET });
  });
  afterEach(() => api.close());
  const wecomClient = () => createWecomClient({ corpId: CORP.corpId, secret: SECRET, agentId: 1000002, baseUrl: api.baseUrl });

  it('answers the official sample message: "hello" from mycreate reaches the pipeline, the reply comes back encrypted', async () => {
    const crypto = createWecomCrypto(VECTOR);
    const pipeline = stubPipeline(() => 'Hi! How can I help?');
    const app = mount({ crypto, pipeline, now: () => Number(MESSAGE.timestamp) * 1000 });
    const res = await postSigned(app, MESSAGE.encrypt, MESSAGE.signature, { timestamp: MESSAGE.timestamp, nonce: MESSAGE.nonce }, MESSAGE_BODY);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const reply = await openReply(res, crypto);
    expect(reply).toMatchObject({ msgType: 'text', content: 'Hi! How can I help?', toUserName: 'mycreate', fromUserName: VECTOR.corpId });
    expect(pipeline.calls).toEqual([
      { message: 'hello', channel: 'wecom', sessionId: wecomSessionId(SESSION_SECRET, VECTOR.corpId, 'mycreate'), createSession: true, access: { trusted: true }, userId: 'mycreate' },
    ]);
  });

  it('a full encrypted round trip of a text message, one session per member', async () => {
    const pipeline = stubPipeline((req) => `您问的是「${req.message}」。]]> 这段也要完整。`);
    const app = mount({ crypto: corp, pipeline, tenant: 'shop-a' });
    const reply = await openReply(await post(app, textXml('zhangsan', '  我的快递到哪了？ ', '7001')));
    expect(reply).toMatchObject({ msgType: 'text', content: '您问的是「我的快递到哪了？」。]]> 这段也要完整。', toUserName: 'zhangsan', fromUserName: CORP.corpId });
    await openReply(await post(app, textXml('zhangsan', '谢谢', '7002')));
    await openReply(await post(app, textXml('lisi', '你好', '7003')));
    const [a, b, c] = pipeline.calls;
    expect(a).toMatchObject({ channel: 'wecom', userId: 'zhangsan', createSession: true, tenant: 'shop-a' });
    expect(a!.sessionId).toBe(b!.sessionId);
    expect(a!.sessionId).not.toBe(c!.sessionId);
    expect(a!.sessionId).toMatch(SESSION_ID_PATTERN);
    expect(a!.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(wecomSessionId(SESSION_SECRET, 'otherCorp', 'zhangsan')).not.toBe(a!.sessionId);
    // Only the server's secret makes the id: with another, or from the old public namespace, it is another.
    expect(wecomSessionId('another-secret-0123456789', CORP.corpId, 'zhangsan')).not.toBe(a!.sessionId);
  });

  it('refuses a wrong signature (403) and garbage (400) without running the pipeline', async () => {
    const pipeline = stubPipeline(() => 'never');
    const app = mount({ crypto: corp, pipeline });
    const encrypt = corp.encrypt(textXml('zhangsan', 'hi', '1'));
    expect(await errorCode(await postSigned(app, encrypt, corp.signature('1700000000', '1', encrypt)))).toBe('403 wecom_bad_signature');
    const other = createWecomCrypto({ ...CORP, token: 'otherToken' });
    expect(await errorCode(await post(app, textXml('zhangsan', 'hi', '2'), other))).toBe('403 wecom_bad_signature');
    // Encrypted for another enterprise but signed with our token: decrypts to the wrong CorpID.
    const foreign = createWecomCrypto({ ...CORP, corpId: 'wwsomeoneelse' });
    expect(await errorCode(await post(app, textXml('zhangsan', 'hi', '3'), foreign))).toBe('400 wecom_bad_message');
    expect(await errorCode(await postSigned(app, 'x', 'a'.repeat(40), undefined, 'not xml'))).toBe('400 wecom_bad_message');
    expect(await errorCode(await post(app, '<xml><MsgType>text</MsgType></xml>'))).toBe('400 wecom_bad_message');
    const big = await postSigned(app, encrypt, corp.signature('1700000000', '1372623149', encrypt), undefined, `<xml><Encrypt>${'A'.repeat(70_000)}</Encrypt></xml>`);
    expect(await errorCode(big)).toBe('413 payload_too_large');
    expect(pipeline.calls).toHaveLength(0);
  });

  it('rejects XXE in the envelope and inside the encrypted message', async () => {
    const pipeline = stubPipeline(() => 'never');
    const app = mount({ crypto: corp, pipeline });
    const doctype = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
    const encrypt = corp.encrypt(textXml('zhangsan', 'hi', '10'));
    const envelope = `${doctype}<xml><ToUserName>&xxe;</ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    expect(await errorCode(await postSigned(app, encrypt, corp.signature('1700000000', '1372623149', encrypt), undefined, envelope))).toBe('400 wecom_bad_message');
    const inner = `${doctype}<xml><ToUserName>${CORP.corpId}</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>11</MsgId></xml>`;
    expect(await errorCode(await post(app, inner))).toBe('400 wecom_bad_message');
    expect(pipeline.calls).toHaveLength(0);
  });

  it('answers images and other non-text messages politely, and greets on entering the app', async () => {
    const pipeline = stubPipeline(() => 'never');
    const app = mount({ crypto: corp, pipeline, texts: { greeting: '欢迎！' } });
    const image = `<xml><ToUserName>${CORP.corpId}</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>1700000000</CreateTime><MsgType>image</MsgType><PicUrl>http://x/y.jpg</PicUrl><MediaId>m</MediaId><MsgId>20</MsgId></xml>`;
    expect(await openReply(await post(app, image))).toMatchObject({ msgType: 'text', toUserName: 'zhangsan', content: '抱歉，我目前只能处理文字消息，请用文字描述您的问题。' });
    const enter = (event: string, t: number) => `<xml><ToUserName>${CORP.corpId}</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>${t}</CreateTime><MsgType>event</MsgType><Event>${event}</Event><EventKey></EventKey><AgentID>1000002</AgentID></xml>`;
    expect(await openReply(await post(app, enter('enter_agent', 1700000100)))).toMatchObject({ content: '欢迎！', toUserName: 'zhangsan' });
    // Events have no MsgId: sender + time + event identify a redelivery.
    expect(await (await post(app, enter('enter_agent', 1700000100))).text()).toBe('success');
    expect(await (await post(app, enter('unsubscribe', 1700000200))).text()).toBe('success');
    expect(pipeline.calls).toHaveLength(0);
  });

  it('says sorry when the pipeline fails, and answers `success` to an empty reply (a person owns the chat)', async () => {
    const pipeline = stubPipeline((req) => {
      if (req.message === 'boom') throw new Error('model crashed');
      return '';
    });
    const app = mount({ crypto: corp, pipeline });
    expect(await openReply(await post(app, textXml('zhangsan', 'boom', '30')))).toMatchObject({ content: '抱歉，系统暂时无法回复，请稍后再试。' });
    expect(await (await post(app, textXml('zhangsan', 'agent is here', '31'))).text()).toBe('success');
  });

  it('a slow reply: `success` within the window, then an active message; the token is fetched once, and again after 42001', async () => {
    let slow = gate();
    const pipeline = stubPipeline(async (req) => {
      await slow.promise;
      return `late answer to ${req.message}`;
    });
    const app = mount({ crypto: corp, pipeline, client: wecomClient(), replyWindowMs: 50 });
    const started = Date.now();
    const first = await post(app, textXml('zhangsan', 'q1', '40'));
    expect(await first.text()).toBe('success');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(api.sent).toHaveLength(0);
    const second = await post(app, textXml('lisi', 'q2', '41'));
    expect(await second.text()).toBe('success');
    slow.open();
    await waitFor(() => api.sent.length === 2, 'two active messages');
    expect(api.sent.map((s) => s.body).sort((x, y) => x.touser.localeCompare(y.touser))).toEqual([
      { touser: 'lisi', msgtype: 'text', agentid: 1000002, text: { content: 'late answer to q2' } },
      { touser: 'zhangsan', msgtype: 'text', agentid: 1000002, text: { content: 'late answer to q1' } },
    ]);
    expect(api.tokenRequests).toHaveLength(1);

    api.expireTokens();
    slow = gate();
    expect(await (await post(app, textXml('zhangsan', 'q3', '42'))).text()).toBe('success');
    slow.open();
    await waitFor(() => api.sent.length === 3, 'a third message after the token expired');
    expect(api.tokenRequests).toHaveLength(2);
    expect(api.sent[2]).toMatchObject({ accessToken: 'token-2', body: { text: { content: 'late answer to q3' } } });
  });

  it('a reply over 2048 bytes goes out actively in several messages', async () => {
    const long = '您的退款将在三个工作日内原路退回。'.repeat(60); // 3060 bytes
    const app = mount({ crypto: corp, pipeline: stubPipeline(() => long), client: wecomClient() });
    expect(await (await post(app, textXml('zhangsan', 'refund?', '50'))).text()).toBe('success');
    await waitFor(() => api.sent.length === 2, 'two pieces');
    expect(api.sent.map((s) => s.body.text.content).join('')).toBe(long);
  });

  it('a MsgId delivered twice at once runs the pipeline once; the reply goes out once, actively', async () => {
    const slow = gate();
    const pipeline = stubPipeline(async () => {
      await slow.promise;
      return 'only once';
    });
    const app = mount({ crypto: corp, pipeline, client: wecomClient(), replyWindowMs: 4000 });
    const xml = textXml('zhangsan', 'where is my parcel', '4561255354251345929');
    const both = Promise.all([post(app, xml), post(app, xml, corp, { timestamp: '1700000005', nonce: '99' })]);
    await waitFor(() => pipeline.calls.length === 1, 'the first delivery reaching the pipeline');
    const [a, b] = await Promise.race([both, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a redelivery must not wait for the window')), 3000))]);
    // WeCom redelivers only after giving up on the first answer, so that one is `success` too.
    expect([await a.text(), await b.text()]).toEqual(['success', 'success']);
    slow.open();
    await waitFor(() => api.sent.length === 1, 'the active reply');
    expect(api.sent[0]!.body.text.content).toBe('only once');
    // A third delivery after it was answered is ignored as well.
    expect(await (await post(app, xml)).text()).toBe('success');
    await new Promise((r) => setTimeout(r, 50));
    expect(pipeline.calls).toHaveLength(1);
    expect(api.sent).toHaveLength(1);
  });

  it('a MsgId delivered again after its passive reply is not answered twice', async () => {
    const pipeline = stubPipeline(() => 'passive');
    const app = mount({ crypto: corp, pipeline });
    const xml = textXml('zhangsan', 'hi', '60');
    expect(await openReply(await post(app, xml))).toMatchObject({ content: 'passive' });
    expect(await (await post(app, xml)).text()).toBe('success');
    expect(pipeline.calls).toHaveLength(1);
  });

  it('late replies through the durable job queue survive a WeCom hiccup', async () => {
    const queue = createSqliteJobQueue({ path: ':memory:', backoff: { baseMs: 5, capMs: 20 } });
    const sender = createQueuedWecomSender({ queue, client: wecomClient() });
    const stop = sender.start({ pollMs: 5 });
    try {
      const slow = gate();
      const pipeline = stubPipeline(async () => {
        await slow.promise;
        return 'queued reply';
      });
      const app = mount({ crypto: corp, pipeline, client: sender, replyWindowMs: 20 });
      api.failNextSends(1, { errcode: -1, errmsg: 'system busy' });
      expect(await (await post(app, textXml('zhangsan', 'hi', '70'))).text()).toBe('success');
      slow.open();
      await waitFor(() => api.sent.length === 1, 'the queued reply');
      expect(api.sent[0]!.body).toMatchObject({ touser: 'zhangsan', text: { content: 'queued reply' } });
      expect(api.sendAttempts).toBe(2);
      // The same key again creates no second job.
      const direct: WecomSender = sender;
      await direct.sendText('zhangsan', 'queued reply', '70');
      await new Promise((r) => setTimeout(r, 50));
      expect(api.sent).toHaveLength(1);
    } finally {
      await stop();
      await queue.close();
    }
  });

  it('a member whose UserID is a phone number: the queued job holds it sealed, WeCom gets the real one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-wecom-queue-'));
    const queue = createSqliteJobQueue({ path: path.join(dir, 'queue.db'), backoff: { baseMs: 5, capMs: 20 } });
    const sender = createQueuedWecomSender({ queue, client: wecomClient(), userIds: createUserIdSealer(Buffer.alloc(32, 7)) });
    const stop = sender.start({ pollMs: 5 });
    const phone = '13812349876';
    try {
      const slow = gate();
      const app = mount({ crypto: corp, pipeline: stubPipeline(async () => {
        await slow.promise;
        return 'late reply';
      }), client: sender, replyWindowMs: 20 });
      expect(await (await post(app, textXml(phone, 'hi', '71'))).text()).toBe('success');
      slow.open();
      await waitFor(() => api.sent.length === 1, 'the queued reply');
      expect(api.sent[0]!.body).toMatchObject({ touser: phone, text: { content: 'late reply' } });
      // The fake API counts the send when the request arrives; the job is done once the answer is back.
      await waitFor(async () => (await queue.stats()).done === 1, 'the queued job marked done');
    } finally {
      await stop();
      await queue.close();
    }
    const bytes = readdirSync(dir).map((f) => readFileSync(path.join(dir, f)).toString('latin1')).join('\n');
    rmSync(dir, { recursive: true, force: true });
    expect({ sealed: bytes.includes('pii1.'), raw: bytes.includes(phone) }).toEqual({ sealed: true, raw: false });
  });
});

describe('WeCom callback on two nodes sharing a Redis dedupe', () => {
  let redis: TestRedis;
  const dedupes: RedisWecomDedupe[] = [];
  beforeAll(async () => {
    // redis-server is a Debian package .ci/run installs: one that cannot start fails here, with the reason.
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const d of dedupes.splice(0)) await d.close();
    await redis.stop();
  });

  it('a retried delivery that reaches the other node is not answered again', async () => {
    const prefix = randomUUID();
    const pipeline = stubPipeline(() => 'once');
    const node = () => {
      const dedupe = createRedisWecomDedupe({ url: redis.url, prefix });
      dedupes.push(dedupe);
      return mount({ crypto: corp, pipeline, dedupe });
    };
    const [a, b] = [node(), node()];
    const xml = textXml('zhangsan', 'hi', '4561255354251345930');
    expect(await openReply(await post(a, xml))).toMatchObject({ msgType: 'text', content: 'once' });
    expect(await (await post(b, xml, corp, { timestamp: '1700000005', nonce: '7' })).text()).toBe('success');
    // At once on both nodes: one of the two takes it (the pipeline runs once more for the new MsgId only).
    const again = textXml('zhangsan', 'hi again', '4561255354251345931');
    const both = await Promise.all([post(a, again), post(b, again)]);
    expect(both.filter((r) => r.headers.get('content-type')?.includes('xml') === true)).toHaveLength(1);
    expect(pipeline.calls).toHaveLength(2);
  });
});
