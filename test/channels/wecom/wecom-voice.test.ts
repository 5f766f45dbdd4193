import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWecomCrypto } from '../../../src/channels/wecom/wecom-crypto.ts';
import { parseWecomMessage } from '../../../src/channels/wecom/wecom-xml.ts';
import { audioFixture, longRecording } from '../../support/audio-fixtures.ts';
import { startTestServer, type TestServer } from '../../support/start-test-server.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fake-wecom-api.ts';

/**
 * WeCom voice messages on a real Kefu server: encrypted callback, the recording fetched from a
 * fake WeCom API on loopback and heard by the embedded recognizer. WeCom sends AMR; Debian's
 * ffmpeg cannot encode AMR, so the fake serves the Opus clip under WeCom's audio/amr label (the
 * bytes decide what ffmpeg decodes).
 */
const CORP = { token: 'kefuToken42', corpId: 'ww0123456789abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', secret: 'app-secret-1', agentId: '1000002' };
const crypto = createWecomCrypto(CORP);
let server: TestServer;
let api: FakeWecomApi;
let msgId = 9500;

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
  // Transcribing can take longer than WeCom's window: the reply then goes out through message/send.
  await expect.poll(() => api.sent.length, { timeout: 60_000 }).toBeGreaterThan(sentBefore);
  return api.sent.slice(sentBefore).map((m) => m.body.text.content).join('');
}

const voice = (mediaId: string, recognition?: string) =>
  `<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[${mediaId}]]></MediaId><Format><![CDATA[amr]]></Format>${recognition === undefined ? '' : `<Recognition><![CDATA[${recognition}]]></Recognition>`}`;
const text = (content: string) => `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>`;

describe('WeCom voice messages, end to end through the encrypted callback', () => {
  beforeAll(async () => {
    api = await startFakeWecomApi({ corpId: CORP.corpId, secret: CORP.secret });
    server = await startTestServer({
      KEFU_WECOM_TOKEN: CORP.token,
      KEFU_WECOM_AES_KEY: CORP.encodingAesKey,
      KEFU_WECOM_CORP_ID: CORP.corpId,
      KEFU_WECOM_SECRET: CORP.secret,
      KEFU_WECOM_AGENT_ID: CORP.agentId,
      KEFU_WECOM_API_BASE: api.baseUrl,
    });
    api.putMedia('voice-install', audioFixture('install-air-purifier.ogg'), 'audio/amr');
    api.putMedia('voice-long', longRecording(600), 'audio/amr');
    api.putMedia('voice-garbage', Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(3000, 0x7c)]), 'audio/amr');
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
    await api?.close();
  });

  it('uses WeCom\'s own Recognition when it comes with the message, without fetching the recording', async () => {
    const reply = await send(voice('voice-unfetched', '空气净化器怎么安装？'), 'zhaoliu');
    expect(reply).toMatch(/无需(专业)?安装/);
    expect(api.mediaRequests).not.toContain('voice-unfetched');
  }, 60_000);

  it('fetches a recording without Recognition by MediaId, transcribes it and answers it as the typed question', async () => {
    const heard = await send(voice('voice-install'), 'sunqi');
    expect(api.mediaRequests).toContain('voice-install');
    const typed = await send(text('how do i install the air purifier'), 'zhouba');
    expect(heard).toBe(typed);
    expect(heard).toMatch(/no (professional )?installation/i);
  }, 90_000);

  it('tells the member when a recording is too long or cannot be decoded, and the conversation goes on', async () => {
    expect(await send(voice('voice-long'), 'wujiu')).toMatch(/太长/);
    expect(await send(voice('voice-garbage'), 'wujiu')).toMatch(/无法播放/);
    expect(await send(voice('expired-media'), 'wujiu')).toMatch(/无法播放/);
    expect(await send(text('你们的退货政策是什么?'), 'wujiu')).toMatch(/7天无理由退货/);
  }, 90_000);
});
