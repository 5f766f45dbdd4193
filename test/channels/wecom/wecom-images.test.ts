import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pictureFixture } from '../../support/picture-fixtures.ts';
import { startTestServer, type TestServer } from '../../support/start-test-server.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fake-wecom-api.ts';
import { MEDIA_CORP, wecomSender } from './wecom-media-rig.ts';

/** WeCom picture messages on a real Kefu server: encrypted callback, media fetched from a fake WeCom API on loopback, real OCR. */
const CORP = MEDIA_CORP;
let server: TestServer;
let api: FakeWecomApi;
/** Reading the media can take longer than WeCom's window: the reply then goes out through message/send. */
const send = wecomSender(() => ({ url: server.url, api }), { firstMsgId: 9100, activeReplyTimeoutMs: 30_000 });

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
