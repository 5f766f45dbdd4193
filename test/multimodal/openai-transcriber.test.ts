import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KefuError } from '../../src/errors.ts';
import { createOpenAiTranscriber } from '../../src/multimodal/asr/openai-transcriber.ts';
import { pcmToWav } from '../../src/multimodal/asr/wav.ts';
import { startFakeTranscriptionServer, type FakeTranscriptionServer } from '../support/fake-transcription-server.ts';

const wav = pcmToWav(Buffer.alloc(16_000 * 2));
const soon = (ms = 5000) => ({ deadline: Date.now() + ms, timeoutMs: ms });

const codeOf = async (p: Promise<unknown>): Promise<{ code: string; status: number; message: string }> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KefuError);
    const e = err as KefuError;
    return { code: e.code, status: e.status, message: e.message };
  }
  throw new Error('expected a rejection');
};

describe('the OpenAI-compatible transcription client, against a local /v1/audio/transcriptions', () => {
  let fake: FakeTranscriptionServer;
  beforeAll(async () => {
    fake = await startFakeTranscriptionServer();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.mode = { kind: 'ok', text: 'where is my order' };
  });

  it('uploads the WAV as multipart with model, response_format json, language and the key, and reads {"text"}', async () => {
    const asr = createOpenAiTranscriber({ baseUrl: `${fake.baseUrl}/`, apiKey: 'sk-test', model: 'whisper-large-v3', language: 'en' });
    expect(await asr.transcribe(wav, soon())).toBe('where is my order');
    const [req] = fake.requests;
    expect(req).toMatchObject({ authorization: 'Bearer sk-test', model: 'whisper-large-v3', responseFormat: 'json', language: 'en', fileName: 'voice.wav', fileType: 'audio/wav' });
    expect(req!.file.equals(wav)).toBe(true);
  });

  it('reads response_format text as the body, trimmed, and sends no key or language when none is set', async () => {
    fake.mode = { kind: 'ok', text: '  这个怎么安装？ ' };
    const asr = createOpenAiTranscriber({ baseUrl: fake.baseUrl, responseFormat: 'text' });
    expect(await asr.transcribe(wav, soon())).toBe('这个怎么安装？');
    expect(fake.requests[0]).toMatchObject({ authorization: null, model: 'whisper-1', responseFormat: 'text', language: null });
  });

  it('maps the server\'s errors: 5xx and 401 are unavailable (503), 400/422 a recording it refused (422); its text stays out of the message', async () => {
    const asr = createOpenAiTranscriber({ baseUrl: fake.baseUrl });
    fake.mode = { kind: 'status', status: 500, body: JSON.stringify({ error: { message: 'CUDA out of memory at 10.0.0.7' } }) };
    const down = await codeOf(asr.transcribe(wav, soon()));
    expect(down).toMatchObject({ code: 'asr_unavailable', status: 503 });
    expect(down.message).not.toContain('CUDA');
    fake.mode = { kind: 'status', status: 401 };
    expect(await codeOf(asr.transcribe(wav, soon()))).toMatchObject({ code: 'asr_unavailable', status: 503 });
    fake.mode = { kind: 'status', status: 400 };
    expect(await codeOf(asr.transcribe(wav, soon()))).toMatchObject({ code: 'asr_rejected', status: 422 });
    fake.mode = { kind: 'status', status: 200, body: '<html>proxy page</html>' };
    expect(await codeOf(asr.transcribe(wav, soon()))).toMatchObject({ code: 'asr_unavailable', status: 503 });
  });

  it('gives up at the deadline on a slow server (504 asr_timeout), not when the server answers', async () => {
    fake.mode = { kind: 'slow', delayMs: 3000, text: 'late' };
    const asr = createOpenAiTranscriber({ baseUrl: fake.baseUrl });
    const started = Date.now();
    expect(await codeOf(asr.transcribe(wav, soon(300)))).toMatchObject({ code: 'asr_timeout', status: 504 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('says a server that is not there is unavailable', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const asr = createOpenAiTranscriber({ baseUrl: `http://127.0.0.1:${closed}/v1` });
    expect(await codeOf(asr.transcribe(wav, soon()))).toMatchObject({ code: 'asr_unavailable', status: 503 });
  });

  it('refuses a base URL that is not http(s) at start', () => {
    expect(() => createOpenAiTranscriber({ baseUrl: 'file:///etc' })).toThrow(/http/);
    expect(() => createOpenAiTranscriber({ baseUrl: 'not a url' })).toThrow(/KEFU_ASR_BASE_URL/);
  });
});
