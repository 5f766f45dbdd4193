import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFixture, longRecording } from '../../support/audio-fixtures.ts';
import { startTestServer, type TestServer } from '../../support/start-test-server.ts';
import { startFakeWecomApi, type FakeWecomApi } from './fake-wecom-api.ts';
import { MEDIA_CORP, wecomSender } from './wecom-media-rig.ts';

/**
 * WeCom voice messages on a real Kefu server: encrypted callback, the recording fetched from a
 * fake WeCom API on loopback and heard by the embedded recognizer. WeCom sends AMR; Debian's
 * ffmpeg cannot encode AMR, so the fake serves the Opus clip under WeCom's audio/amr label (the
 * bytes decide what ffmpeg decodes).
 */
const CORP = MEDIA_CORP;
let server: TestServer;
let api: FakeWecomApi;
/** Reading the media can take longer than WeCom's window: the reply then goes out through message/send. */
const send = wecomSender(() => ({ url: server.url, api }), { firstMsgId: 9500, activeReplyTimeoutMs: 60_000 });

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
