import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKefuError, type KefuError } from '../../../src/errors.ts';
import { createWecomClient } from '../../../src/channels/wecom/wecom-client.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fake-wecom-api.ts';

const CORP = { corpId: 'wwfakecorp', secret: 'app-secret' };

const caught = async (p: Promise<unknown>): Promise<KefuError> => {
  try {
    await p;
  } catch (e) {
    if (isKefuError(e)) return e;
    throw e;
  }
  throw new Error('expected a KefuError');
};

describe('the WeCom API client (against a fake WeCom on loopback)', () => {
  let api: FakeWecomApi;
  let clock = 1_700_000_000_000;
  const now = () => clock;
  beforeEach(async () => {
    api = await startFakeWecomApi(CORP);
    clock = 1_700_000_000_000;
  });
  afterEach(() => api.close());

  const client = (extra: { timeoutMs?: number } = {}) => createWecomClient({ ...CORP, agentId: '1000002', baseUrl: `${api.baseUrl}/`, now, ...extra });

  it('fetches a token once, reuses it, and sends text messages as WeCom documents them', async () => {
    const c = client();
    await c.sendText('zhangsan', '您好');
    await Promise.all([c.sendText('lisi', 'a'), c.sendText('wangwu', 'b')]);
    expect(api.tokenRequests).toHaveLength(1);
    expect(api.tokenRequests[0]!.get('corpid')).toBe(CORP.corpId);
    expect(api.tokenRequests[0]!.get('corpsecret')).toBe(CORP.secret);
    expect(api.sent.map((s) => s.accessToken)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(api.sent[0]!.body).toEqual({ touser: 'zhangsan', msgtype: 'text', agentid: 1000002, text: { content: '您好' } });
  });

  it('shares one token fetch between concurrent first sends', async () => {
    const c = client();
    await Promise.all(['a', 'b', 'c', 'd'].map((u) => c.sendText(u, 'hi')));
    expect(api.tokenRequests).toHaveLength(1);
    expect(api.sent).toHaveLength(4);
  });

  it('fetches a new token before expires_in runs out', async () => {
    const c = client();
    await c.sendText('zhangsan', 'one');
    clock += 7200_000 - 600_000; // 10 minutes before expiry: still cached
    await c.sendText('zhangsan', 'two');
    expect(api.tokenRequests).toHaveLength(1);
    clock += 400_000; // within the 5-minute margin
    await c.sendText('zhangsan', 'three');
    expect(api.tokenRequests).toHaveLength(2);
    expect(api.sent.map((s) => s.accessToken)).toEqual(['token-1', 'token-1', 'token-2']);
  });

  it('on 42001 (token expired early) refetches the token and sends once more', async () => {
    const c = client();
    await c.sendText('zhangsan', 'one');
    api.expireTokens();
    await c.sendText('zhangsan', 'two');
    expect(api.tokenRequests).toHaveLength(2);
    expect(api.sent.map((s) => [s.accessToken, s.body.text.content])).toEqual([['token-1', 'one'], ['token-2', 'two']]);
    expect(api.sendAttempts).toBe(3);
  });

  it('reports WeCom\'s errmsg when a send fails, and a wrong secret at gettoken', async () => {
    const c = client();
    api.failNextSends(1, { errcode: 81013, errmsg: 'user & party & tag all invalid' });
    const e = await caught(c.sendText('nobody', 'hi'));
    expect(e.code).toBe('wecom_api_error');
    expect(e.message).toContain('user & party & tag all invalid');
    expect(e.message).toContain('81013');
    expect(e.retryable).toBe(false);

    const wrong = createWecomClient({ ...CORP, secret: 'wrong', agentId: 1000002, baseUrl: api.baseUrl });
    const g = await caught(wrong.sendText('zhangsan', 'hi'));
    expect(g.message).toMatch(/gettoken failed: invalid credential \(errcode 40001\)/);
    expect(api.sent).toHaveLength(0);
  });

  it('tries once more when the connection drops, then gives up with a retryable error', async () => {
    const c = client();
    api.dropNextRequests(1);
    await c.sendText('zhangsan', 'survives one drop');
    expect(api.sent).toHaveLength(1);
    api.dropNextRequests(2);
    const e = await caught(c.sendText('zhangsan', 'not two'));
    expect(e.code).toBe('wecom_unreachable');
    expect(e.retryable).toBe(true);
  });

  it('times out a WeCom that does not answer', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const c = createWecomClient({ ...CORP, agentId: 1, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 });
      const started = Date.now();
      const e = await caught(c.sendText('zhangsan', 'hi'));
      expect(e.code).toBe('wecom_unreachable');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('splits content over 2048 bytes into several messages at sentence ends', async () => {
    const sentence = '您的退款将在三个工作日内原路退回。'; // 17 chars, 51 bytes
    const text = sentence.repeat(100); // 5100 bytes
    await client().sendText('zhangsan', text);
    expect(api.sent.length).toBe(3);
    expect(api.sent.map((s) => s.body.text.content).join('')).toBe(text);
    for (const s of api.sent) {
      expect(Buffer.byteLength(s.body.text.content)).toBeLessThanOrEqual(2048);
      expect(s.body.text.content.endsWith('。')).toBe(true);
    }
  });

  it('says what to set when the configuration is incomplete', () => {
    expect(() => createWecomClient({ ...CORP, secret: '', agentId: 1 })).toThrow(/KEFU_WECOM_SECRET/);
    expect(() => createWecomClient({ ...CORP, agentId: 'abc' })).toThrow(/KEFU_WECOM_AGENT_ID/);
  });
});
