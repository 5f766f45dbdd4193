import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { parseWecomMessage } from '../../../src/channels/wecom/wecom-xml.ts';
import { pictureFixture } from '../../support/picture-fixtures.ts';
import { startTestServer, type TestServer } from '../../support/start-test-server.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fake-wecom-api.ts';

/** WeCom picture messages on a real Kefu server: encrypted callback, media fetched from a fake WeCom API on loopback, real OCR. */
const CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', secret: 'app-secret-1', agentId: '1000002' };
const crypto = createWecomCrypto(CORP);
let server: TestServer;
let api: FakeWecomApi;
let msgId = 9100;

/** Posts one encrypted message; the reply text, passive (in the callback's answer) or active (sent through the API). */
async function send(inner: string, from: string): Promise<string> {
  const id = ++msgId;
  const xml = `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>${inner}<MsgId>${id}</MsgId><AgentID>${CORP.agentId}</AgentID></xml>`;
  const encrypt = crypto.encrypt(xml);
  const [timestamp, nonce] = [String(Math.floor(Date.now() / 1000)), String(id)];
  const sentBefore = api.sent.length;
  const res = await fetch(`${server.url}/channels/wecom/callback?msg_signature=${crypto.signature(timestamp, nonce, encrypt)}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: `<xml><ToUserName><![CDATA[${CORP.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[${CORP.agentId}]]></AgentID></xml>`,
  });
  expect(res.status).toBe(200);
  const body = await res.text();
  if (body !== 'success') {
    const doc = new XMLParser({ parseTagValue: false }).parse(body) as { xml: Record<string, string> };
    const reply = parseWecomMessage(crypto.decrypt(doc.xml['Encrypt']!).message);
    expect(reply).toMatchObject({ msgType: 'text', toUserName: from });
    return (reply as { content: string }).content;
  }
  // Slower than WeCom's window (a busy machine): the reply goes out through message/send.
  await expect.poll(() => api.sent.length, { timeout: 30_000 }).toBeGreaterThan(sentBefore);
  return api.sent.slice(sentBefore).map((m) => m.body.text.content).join('');
}

const image = (mediaId: string) => `<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://wx.qlogo.example/${mediaId}]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId>`;

describe('WeCom picture messages, end to end through the encrypted callback', () => {
  beforeAll(async () => {
    api = await startFakeWecomApi({ corpId: CORP.corpId, secret: CORP.secret });
    server = await startTestServer({
      KEFU_WECOM_TOKEN: CORP.token,
      KEFU_WECOM_AES_KEY: CORP.encodingAesKey,
      KEFU_WECOM_CORP_ID: CORP.corpId,
      KEFU_WECOM_SECRET: CORP.secret,
      KEFU_WECOM_AGENT_ID: CORP.agentId,
      KEFU_WECOM_API_BASE: api.baseUrl,
      KEFU_IMAGE_MAX_BYTES: String(1024 * 1024),
    });
    api.putMedia('label-heater', pictureFixture('label-heater-60l.jpg'), 'image/jpeg');
    api.putMedia('cut', pictureFixture('order-screenshot-kf20261123002.png').subarray(0, 4000), 'image/png');
    api.putMedia('huge', Buffer.alloc(2 * 1024 * 1024, 1), 'image/jpeg');
    api.putMedia('not-a-picture', Buffer.from('%PDF-1.7 a document'), 'application/octet-stream');
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
    await api?.close();
  });

  it('reads a product label fetched by MediaId and answers that product\'s installation guide', async () => {
    const reply = await send(image('label-heater'), 'lisi');
    expect(api.mediaRequests).toContain('label-heater');
    expect(reply).toMatch(/60升电热水器/);
    expect(reply).toMatch(/承重墙|16A/);
  }, 60_000);

  it('tells the member when a picture is damaged, too large or not a picture, and the conversation goes on', async () => {
    expect(await send(image('cut'), 'wangwu')).toMatch(/无法识别/);
    expect(await send(image('huge'), 'wangwu')).toMatch(/太大/);
    expect(await send(image('not-a-picture'), 'wangwu')).toMatch(/无法识别/);
    expect(await send(image('expired-media'), 'wangwu')).toMatch(/无法识别/);
    const next = await send('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你们的退货政策是什么?]]></Content>', 'wangwu');
    expect(next).toMatch(/7天无理由退货/);
  }, 60_000);
});
