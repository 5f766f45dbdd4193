import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { parseWecomMessage } from '../../../src/channels/wecom/wecom-xml.ts';
import { ADMIN_KEY, startTestServer, type TestServer } from '../../support/start-test-server.ts';

/** The WeCom callback on a real Kefu server: the real pipeline, the AI label, the stored session. */
const CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const crypto = createWecomCrypto(CORP);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ KEFU_WECOM_TOKEN: CORP.token, KEFU_WECOM_AES_KEY: CORP.encodingAesKey, KEFU_WECOM_CORP_ID: CORP.corpId });
});
afterAll(async () => server?.destroy());

it('answers an encrypted text message through the whole pipeline, labelled as AI-generated', async () => {
  const xml = `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你们的退货政策是什么?]]></Content><MsgId>7001</MsgId><AgentID>1000002</AgentID></xml>`;
  const encrypt = crypto.encrypt(xml);
  // A callback is refused unless its signed timestamp is within minutes of the server's clock.
  const [timestamp, nonce] = [String(Math.floor(Date.now() / 1000)), '1372623149'];
  const res = await fetch(`${server.url}/channels/wecom/callback?msg_signature=${crypto.signature(timestamp, nonce, encrypt)}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
  });
  expect(res.status).toBe(200);
  const doc = new XMLParser({ parseTagValue: false }).parse(await res.text()) as { xml: Record<string, string> };
  expect(crypto.verify(doc.xml['MsgSignature']!, doc.xml['TimeStamp']!, doc.xml['Nonce']!, doc.xml['Encrypt']!)).toBe(true);
  const reply = parseWecomMessage(crypto.decrypt(doc.xml['Encrypt']!).message);
  expect(reply).toMatchObject({ msgType: 'text', fromUserName: CORP.corpId, toUserName: 'zhangsan' });
  const content = (reply as { content: string }).content;
  expect(content).toMatch(/退货/);
  expect(content.trimEnd().endsWith('（本回复由AI生成）')).toBe(true);

  // The conversation is stored under the WeCom channel, and audited.
  const audit = await (await fetch(`${server.url}/v1/audit/export`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  expect(audit).toContain('"channel":"wecom"');
});

it('refuses a forged signature', async () => {
  const echostr = encodeURIComponent(crypto.encrypt('1616140317555161061'));
  const res = await fetch(`${server.url}/channels/wecom/callback?msg_signature=${'0'.repeat(40)}&timestamp=1&nonce=2&echostr=${echostr}`);
  expect(res.status).toBe(403);
});

it('refuses a correctly signed callback from 2001 (a replay), whatever it carries', async () => {
  const xml = `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1000000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[取消我的订单]]></Content><MsgId>7002</MsgId><AgentID>1000002</AgentID></xml>`;
  const encrypt = crypto.encrypt(xml);
  const [timestamp, nonce] = ['1000000000', '1372623149'];
  const res = await fetch(`${server.url}/channels/wecom/callback?msg_signature=${crypto.signature(timestamp, nonce, encrypt)}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  });
  expect(res.status).toBe(403);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('wecom_stale_timestamp');
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toMatch(/kefu_errors_total\{code="wecom_stale_timestamp"\} 1/);
});
