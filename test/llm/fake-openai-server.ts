import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenAI-compatible server on 127.0.0.1 that replays recorded SSE transcripts
 * (`test/fixtures/llm/*.sse`) byte for byte, and can misbehave the ways real servers do: slow
 * tokens, 503/429 before answering, a dropped connection mid-stream, a 400, silence.
 */
export type FakeReply =
  | {
      /** Raw SSE text to replay, e.g. `transcript('vllm')`. */
      sse: string;
      /** Pause before each event (or each write when `writeSize` is set). */
      delayMs?: number;
      /** Pause before sending the response headers. */
      firstByteDelayMs?: number;
      /** Write the body in pieces of this many bytes, ignoring event and character boundaries. */
      writeSize?: number;
      /** Destroy the socket after this many events, without ending the chunked body. */
      dropAfterEvents?: number;
      /** Stop sending after this many events but keep the connection open. */
      hangAfterEvents?: number;
    }
  /** A plain response: an error status, or a 200 JSON completion from a server that ignores `stream`. */
  | { status: number; body?: unknown; headers?: Readonly<Record<string, string>> }
  /** Accept the request and never answer. */
  | { hang: true };

export interface FakeOpenAIServerOptions {
  /** Replies to `POST {base}/chat/completions`, in order; the last one repeats. Default: the vLLM transcript. */
  replies?: readonly FakeReply[];
  /** `GET {base}/models`: model ids to list, or a status to answer with (default `['fake-model']`). */
  models?: readonly string[] | { status: number };
  /** Path the base URL ends in (default `/v1`). */
  basePath?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path relative to the base path, e.g. `/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** The server finished the response normally. */
  completed: boolean;
  /** The client closed the connection before the response was finished. */
  clientClosed: boolean;
}

export interface FakeOpenAIServer {
  /** Base URL as the OpenAI SDK takes it, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const FIXTURES = new URL('../fixtures/llm/', import.meta.url);

/** Reads `test/fixtures/llm/<name>.sse`. */
export function transcript(name: string): string {
  return readFileSync(new URL(`${name}.sse`, FIXTURES), 'utf8');
}

/** Splits SSE text into events, each keeping its closing blank line. */
export function sseEvents(sse: string): string[] {
  return sse.split(/(?<=\n\n)/).filter((e) => e !== '');
}

/** A base URL on which nothing listens (a port that was just freed). */
export async function deadURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const replies = options.replies ?? [{ sse: transcript('vllm') }];
  const basePath = options.basePath ?? '/v1';
  const requests: RecordedRequest[] = [];
  let completions = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = raw;
      }
      const path = (req.url ?? '').startsWith(basePath) ? (req.url ?? '').slice(basePath.length) : (req.url ?? '');
      const rec: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body, completed: false, clientClosed: false };
      requests.push(rec);
      let serverDropped = false;
      res.on('close', () => {
        if (!res.writableFinished && !serverDropped) rec.clientClosed = true;
      });
      res.on('finish', () => {
        rec.completed = true;
      });

      if (req.method === 'GET' && path === '/models') {
        const models = options.models ?? ['fake-model'];
        if ('status' in models) return void json(res, models.status, { error: { message: 'not found' } });
        return void json(res, 200, {
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 1733212345, owned_by: 'fake' })),
        });
      }
      if (req.method !== 'POST' || path !== '/chat/completions')
        return void json(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });

      const reply = replies[Math.min(completions++, replies.length - 1)];
      if (reply === undefined || 'hang' in reply) return;
      if ('status' in reply) return void json(res, reply.status, reply.body ?? { error: { message: `HTTP ${reply.status}` } }, reply.headers);
      void replay(res, reply, () => {
        serverDropped = true;
      });
    });
  });

  async function replay(res: ServerResponse, reply: Extract<FakeReply, { sse: string }>, onDrop: () => void): Promise<void> {
    if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const events = sseEvents(reply.sse);
    const cut = Math.min(reply.dropAfterEvents ?? Infinity, reply.hangAfterEvents ?? Infinity, events.length);
    const bytes = Buffer.from(events.slice(0, cut).join(''), 'utf8');
    const pieces: Buffer[] = [];
    if (reply.writeSize) for (let i = 0; i < bytes.length; i += reply.writeSize) pieces.push(bytes.subarray(i, i + reply.writeSize));
    else for (const e of events.slice(0, cut)) pieces.push(Buffer.from(e, 'utf8'));
    for (const piece of pieces) {
      if (reply.delayMs) await sleep(reply.delayMs);
      if (res.destroyed) return;
      res.write(piece);
    }
    if (reply.dropAfterEvents !== undefined && reply.dropAfterEvents < events.length) {
      await sleep(reply.delayMs ?? 5);
      onDrop();
      res.socket?.destroy();
      return;
    }
    if (reply.hangAfterEvents !== undefined && reply.hangAfterEvents < events.length) return;
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
