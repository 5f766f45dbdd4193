import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';
import { chatTurn, type MultimodalReply } from '../support/multimodal-chat.ts';
import { audioAttachment, audioFixture, longRecording } from '../support/audio-fixtures.ts';
import { startFakeTranscriptionServer, type FakeTranscriptionServer } from '../support/fake-transcription-server.ts';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

type Reply = MultimodalReply;
const chat = chatTurn;

const storedMessages = async (url: string, sessionId: string) =>
  ((await (await fetch(`${url}/v1/sessions/${sessionId}`, { headers: admin })).json()) as { messages: { role: string; content: string; meta: Record<string, unknown> }[] }).messages;

describe('voice messages with the embedded English recognizer (pocketsphinx, no KEFU_ASR_BASE_URL)', () => {
  let server: TestServer;
  let tenMinutes: Buffer;
  beforeAll(async () => {
    // Made before any request: encoding blocks the test's event loop, and a pooled connection the
    // server closed meanwhile would fail the next fetch.
    tenMinutes = longRecording(600);
    server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('hears "where is my order" and answers it as that typed question, with the transcript in the reply and the transcript store', async () => {
    const { status, body } = await chat(server.url, { message: '', user_id: 'demo-user', attachments: [audioAttachment(audioFixture('where-is-my-order.ogg'))] });
    expect(status).toBe(200);
    expect(body.transcript).toBe('where is my order');
    const typed = await chat(server.url, { message: 'where is my order', user_id: 'demo-user' });
    expect(body.intent).toBe(typed.body.intent);
    expect(body.flow).toEqual(typed.body.flow);
    expect(body.reply).toBe(typed.body.reply);
    expect(body.reply).toMatch(/KF\d+/);
    const user = (await storedMessages(server.url, body.session_id)).find((m) => m.role === 'user')!;
    expect(user.content).toBe('where is my order');
    expect(user.meta['attachments']).toEqual([{ type: 'audio', mime: 'audio/ogg', text: 'where is my order' }]);
  }, 60_000);

  it('answers "how do I install the air purifier" from the purifier\'s installation guide, with sources', async () => {
    const { status, body } = await chat(server.url, { message: '', attachments: [audioAttachment(audioFixture('install-air-purifier.ogg'))] });
    expect(status).toBe(200);
    expect(body.transcript).toMatch(/install.*air purifier/);
    expect(body.sources.map((s) => s.title).join(' | ')).toMatch(/Air purifier installation|Air Purifier P3/);
    expect(body.reply).toMatch(/no (professional )?installation/i);
  }, 60_000);

  it('refuses a ten-minute recording (413 audio_too_long) and a corrupt one (400 corrupt_audio), and the conversation goes on', async () => {
    const first = await chat(server.url, { message: 'hello' });
    expect(first.status).toBe(200);
    const session = { session_id: first.body.session_id, ...(first.body.session_token === undefined ? {} : { session_token: first.body.session_token }) };

    const started = Date.now();
    const long = await chat(server.url, { ...session, message: '', attachments: [audioAttachment(tenMinutes)] });
    expect(long.status).toBe(413);
    expect(long.body.error).toMatchObject({ code: 'audio_too_long', message: expect.stringMatching(/longer than 60 s/) });
    // ffmpeg stopped after the limit: refusing ten minutes costs about as much as one.
    expect(Date.now() - started).toBeLessThan(15_000);

    const ogg = audioFixture('where-is-my-order.ogg');
    const garbage = Buffer.concat([ogg.subarray(0, 64), Buffer.alloc(4000, 0x5a)]);
    const corrupt = await chat(server.url, { ...session, message: '', attachments: [audioAttachment(garbage)] });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.error?.code).toBe('corrupt_audio');

    const notAudio = await chat(server.url, { ...session, message: '', attachments: [audioAttachment(Buffer.from('#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n'), 'audio/mpegurl')] });
    expect(notAudio.status).toBe(400);
    expect(notAudio.body.error?.code).toBe('corrupt_audio');

    const tooBig = await chat(server.url, { ...session, message: '', attachments: [audioAttachment(Buffer.alloc(5 * 1024 * 1024, 1))] });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.code).toBe('audio_too_large');

    const next = await chat(server.url, { ...session, message: 'What is your return policy?' });
    expect(next.status).toBe(200);
    expect(next.body.session_id).toBe(first.body.session_id);
    expect((await storedMessages(server.url, first.body.session_id)).filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['hello', 'What is your return policy?']);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kefu_asr_failures_total\{engine="embedded",reason="audio_too_long"\} 1/);
    expect(metrics).toMatch(/kefu_asr_failures_total\{engine="embedded",reason="corrupt_audio"\} 2/);
    expect(metrics).toMatch(/kefu_asr_failures_total\{engine="embedded",reason="audio_too_large"\} 1/);
    expect(metrics).toMatch(/kefu_asr_seconds_count\{engine="embedded"\} [1-9]/);
  }, 90_000);
});

describe('voice messages through an ASR server (KEFU_ASR_BASE_URL)', () => {
  let server: TestServer;
  let asr: FakeTranscriptionServer;
  beforeAll(async () => {
    asr = await startFakeTranscriptionServer();
    server = await startTestServer({ KEFU_ASR_BASE_URL: asr.baseUrl, KEFU_ASR_MODEL: 'whisper-large-v3', KEFU_ASR_API_KEY: 'sk-asr' }, undefined, { now: () => DEMO_NOW });
  });
  afterAll(async () => {
    await server?.destroy();
    await asr?.close();
  });

  it('sends the recording as 16 kHz mono WAV and answers a Chinese question the server heard, streamed', async () => {
    asr.mode = { kind: 'ok', text: '空气净化器怎么安装？' };
    const res = await postJson(`${server.url}/v1/chat`, { message: '', stream: true, attachments: [audioAttachment(audioFixture('install-air-purifier.ogg'))] });
    const done = (await readSse(res)).find((e) => e.event === 'done')!.data as Reply;
    expect(done.transcript).toBe('空气净化器怎么安装？');
    expect(done.reply).toMatch(/无需(专业)?安装/);
    const req = asr.requests.at(-1)!;
    expect(req).toMatchObject({ model: 'whisper-large-v3', authorization: 'Bearer sk-asr', responseFormat: 'json' });
    expect(req.file.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(req.file.readUInt32LE(24)).toBe(16_000);
  }, 60_000);

  it('says the recognizer is unavailable (503 asr_unavailable) when the server fails, and 422 nothing_read when it heard nothing', async () => {
    asr.mode = { kind: 'status', status: 502 };
    const failed = await chat(server.url, { message: '', attachments: [audioAttachment(audioFixture('where-is-my-order.ogg'))] });
    expect(failed.status).toBe(503);
    expect(failed.body.error?.code).toBe('asr_unavailable');
    asr.mode = { kind: 'ok', text: '' };
    const silent = await chat(server.url, { message: '', attachments: [audioAttachment(audioFixture('where-is-my-order.ogg'))] });
    expect(silent.status).toBe(422);
    expect(silent.body.error?.code).toBe('nothing_read');
  }, 60_000);
});

describe('a slow ASR server', () => {
  let server: TestServer;
  let asr: FakeTranscriptionServer;
  beforeAll(async () => {
    asr = await startFakeTranscriptionServer();
    server = await startTestServer({ KEFU_ASR_BASE_URL: asr.baseUrl, KEFU_ASR_TIMEOUT_MS: '1500' });
  });
  afterAll(async () => {
    await server?.destroy();
    await asr?.close();
  });

  it('is given up on at KEFU_ASR_TIMEOUT_MS (504 asr_timeout), and the next turn is answered', async () => {
    asr.mode = { kind: 'slow', delayMs: 10_000, text: 'too late' };
    const started = Date.now();
    const slow = await chat(server.url, { message: '', attachments: [audioAttachment(audioFixture('where-is-my-order.ogg'))] });
    expect(slow.status).toBe(504);
    expect(slow.body.error?.code).toBe('asr_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    asr.mode = { kind: 'ok', text: 'how long does shipping take' };
    const next = await chat(server.url, { message: '', attachments: [audioAttachment(audioFixture('where-is-my-order.ogg'))] });
    expect(next.status).toBe(200);
    expect(next.body.transcript).toBe('how long does shipping take');
  }, 30_000);
});
