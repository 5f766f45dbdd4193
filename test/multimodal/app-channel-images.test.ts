import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KefuClient, KefuClientError } from '../../sdk/kefu-client.ts';
import { imageAttachment, pictureFixture } from '../support/picture-fixtures.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** The app channel (/v1/ws) through the SDK: a message frame carries a picture as POST /v1/chat does. */
describe('pictures on the app channel, through the SDK', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
  });
  afterAll(async () => server?.destroy());

  it('answers a label photo with the product\'s guide, refuses a damaged one, and the conversation goes on', async () => {
    const client = new KefuClient({ url: `${server.url.replace(/^http/, 'ws')}/v1/ws`, WebSocket, reconnect: false });
    const { sessionId } = await client.connect();
    // 800 KB of base64 in one frame: over the text-only frame limit, within the picture one.
    const reply = await client.ask('这个怎么安装?', [imageAttachment(pictureFixture('label-heater-60l.jpg'), 'image/jpeg')]);
    expect(reply.session_id).toBe(sessionId);
    expect(reply.sources[0]?.title).toMatch(/60升电热水器|电热水器安装/);
    expect(reply.attachments?.[0]?.text).toContain('Kefu 60升电热水器');

    const bad = await client.ask('', [imageAttachment(pictureFixture('order-screenshot-kf20261123002.png').subarray(0, 4000))]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(KefuClientError);
    expect((bad as KefuClientError).code).toBe('corrupt_image');

    const next = await client.ask('你们的退货政策是什么?');
    expect(next.reply).toMatch(/7天无理由退货/);
    client.close();
  }, 60_000);
});
