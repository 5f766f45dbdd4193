import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KefuClient, KefuClientError } from '../../sdk/kefu-client.ts';
import { audioAttachment, audioFixture } from '../support/audio-fixtures.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** The app channel (/v1/ws) through the SDK: a message frame carries a voice message as POST /v1/chat does. */
describe('voice messages on the app channel, through the SDK', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
  });
  afterAll(async () => server?.destroy());

  it('answers a recorded question with its transcript, refuses a corrupt recording, and the conversation goes on', async () => {
    const client = new KefuClient({ url: `${server.url.replace(/^http/, 'ws')}/v1/ws`, WebSocket, reconnect: false });
    const { sessionId } = await client.connect();
    const reply = await client.ask('', [audioAttachment(audioFixture('install-air-purifier.ogg'))]);
    expect(reply.session_id).toBe(sessionId);
    expect(reply.transcript).toMatch(/install.*air purifier/);
    expect(reply.attachments).toEqual([{ type: 'audio', text: reply.transcript }]);
    expect(reply.reply).toMatch(/no (professional )?installation/i);

    const bad = await client.ask('', [audioAttachment(Buffer.alloc(3000, 0x41))]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(KefuClientError);
    expect((bad as KefuClientError).code).toBe('corrupt_audio');

    const next = await client.ask('What is your return policy?');
    expect(next.session_id).toBe(sessionId);
    expect(next.reply.length).toBeGreaterThan(0);
    client.close();
  }, 60_000);
});
