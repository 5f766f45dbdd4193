import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it, multipart fields parsed. */
export interface TranscriptionRequest {
  authorization: string | null;
  model: string | null;
  responseFormat: string | null;
  language: string | null;
  fileName: string | null;
  fileType: string | null;
  file: Buffer;
}

export interface FakeTranscriptionServer {
  /** The base URL to give as KEFU_ASR_BASE_URL (ends in /v1). */
  baseUrl: string;
  requests: TranscriptionRequest[];
  /** What the next requests get: a transcript, an HTTP error, or a transcript after a delay. */
  mode: { kind: 'ok'; text: string } | { kind: 'status'; status: number; body?: string } | { kind: 'slow'; delayMs: number; text: string };
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A local server that speaks OpenAI's `POST /v1/audio/transcriptions` as whisper.cpp's server and
 * vLLM do: multipart form (`file`, `model`, `response_format`, `language`), JSON `{"text"}` or the
 * bare text for `response_format=text`, 400 when there is no file, OpenAI-shaped error bodies.
 */
export async function startFakeTranscriptionServer(): Promise<FakeTranscriptionServer> {
  const requests: TranscriptionRequest[] = [];
  const state: { mode: FakeTranscriptionServer['mode'] } = { mode: { kind: 'ok', text: 'where is my order' } };
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const body = await readBody(req);
      // The platform's own multipart parser (undici): the same one fetch's FormData is written for.
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'expected multipart/form-data', type: 'invalid_request_error' } }));
        return;
      }
      const file = form.get('file');
      const text = (name: string): string | null => {
        const v = form.get(name);
        return typeof v === 'string' ? v : null;
      };
      const record: TranscriptionRequest = {
        authorization: req.headers.authorization ?? null,
        model: text('model'),
        responseFormat: text('response_format'),
        language: text('language'),
        fileName: file instanceof File ? file.name : null,
        fileType: file instanceof File ? file.type : null,
        file: file instanceof File ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0),
      };
      requests.push(record);
      if (!(file instanceof File) || record.file.length === 0) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'file is required', type: 'invalid_request_error' } }));
        return;
      }
      const mode = state.mode;
      if (mode.kind === 'status') {
        res.writeHead(mode.status, { 'content-type': 'application/json' }).end(mode.body ?? JSON.stringify({ error: { message: `fake failure ${mode.status}`, type: 'server_error' } }));
        return;
      }
      if (mode.kind === 'slow') await new Promise((r) => setTimeout(r, mode.delayMs));
      if (res.destroyed) return;
      if (record.responseFormat === 'text') res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`${mode.text}\n`);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: mode.text }));
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
