import { spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A fake OpenAI-compatible backend that streams at a fixed token rate: after `firstTokenMs` it
 * sends one token every 1000 / `tokensPerSecond` ms, up to `maxTokens`. The text is the first
 * passage of the prompt (one character per token for Chinese, one word for English) followed by
 * a `[1]` citation, so Kefu's grounding check passes it as a real model's answer would.
 *
 * It runs in its own process (`spawnTokenRateBackend`), like a real model server, and records per
 * request when it arrived, sent its first token and ended (wall-clock ms with sub-ms precision,
 * comparable across processes), plus the user message, so a benchmark can subtract the backend's
 * own time from Kefu's. `GET /stats` returns and clears the records.
 */
export interface TokenRateOptions {
  tokensPerSecond: number;
  firstTokenMs: number;
  maxTokens: number;
  /** Every token written at once on arrival, no timers (the per-turn CPU benchmark's backend). */
  instant?: boolean;
  /** The reply ends at the last whole sentence within `maxTokens` (one a grounding check accepts). */
  wholeSentences?: boolean;
}

export interface BackendRecord {
  user: string;
  arrivedAt: number;
  firstTokenAt: number | null;
  endAt: number | null;
  aborted: boolean;
}

export interface TokenRateBackend {
  /** Base URL, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  pid: number;
  /** Returns and clears the per-request records. */
  stats(): Promise<BackendRecord[]>;
  close(): Promise<void>;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

const sleepUntil = (t: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, t - wallMs())));

function tokensFor(messages: readonly { role: string; content: string }[], max: number, whole = false): string[] {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const line = system.split('\n').find((l) => l.startsWith('[1] ')) ?? '[1] none: OK.';
  const text = line.slice(line.indexOf(': ') + 2).replace(/…$/, '');
  const zh = /[\u4e00-\u9fff]/.test(text);
  // Whole sentences: English in pieces of three characters (about a model's sub-word tokens),
  // so `max` tokens hold a sentence or two; otherwise one word per token.
  const pieces = zh ? Array.from(text) : whole ? (text.match(/[\s\S]{1,3}/g) ?? []) : text.split(/(?<= )/);
  const kept = pieces.slice(0, Math.max(1, max - 1));
  if (whole) {
    // Up to the last sentence end that fits, as a model that stops on its own would.
    const end = kept.findLastIndex((p) => /[。！？.!?]/.test(p));
    if (end >= 0) {
      const cut = kept[end]!;
      kept.length = end + 1;
      kept[end] = cut.slice(0, Math.max(...['。', '！', '？', '.', '!', '?'].map((c) => cut.lastIndexOf(c))) + 1);
    }
  }
  return [...kept, zh ? '[1]' : ' [1]'];
}

const chunk = (id: string, delta: Record<string, unknown>, finish: string | null): string =>
  `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1733212345, model: 'fake-rate', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export function serveTokenRate(options: TokenRateOptions): Promise<{ url: string; close(): Promise<void> }> {
  let records: BackendRecord[] = [];
  let seq = 0;
  const interval = 1000 / options.tokensPerSecond;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrivedAt = wallMs();
      if (req.method === 'GET' && req.url === '/v1/models') return json(res, { object: 'list', data: [{ id: 'fake-rate', object: 'model', created: 1733212345, owned_by: 'bench' }] });
      if (req.method === 'GET' && req.url === '/stats') {
        const out = records;
        records = [];
        return json(res, out);
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, { error: { message: 'no route' } }, 404);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: { role: string; content: string }[]; max_tokens?: number };
      const user = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const rec: BackendRecord = { user, arrivedAt, firstTokenAt: null, endAt: null, aborted: false };
      records.push(rec);
      void stream(res, rec, tokensFor(body.messages, Math.min(options.maxTokens, body.max_tokens ?? Infinity), options.wholeSentences), `chatcmpl-${++seq}`);
    });
  });

  async function stream(res: ServerResponse, rec: BackendRecord, tokens: string[], id: string): Promise<void> {
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    // Deadlines from the arrival time, so a late timer does not slow the nominal rate down.
    const start = rec.arrivedAt + options.firstTokenMs;
    res.write(chunk(id, { role: 'assistant', content: '' }, null));
    for (let i = 0; i < tokens.length; i++) {
      if (options.instant !== true) await sleepUntil(start + i * interval);
      if (res.destroyed) return;
      res.write(chunk(id, { content: tokens[i] }, null));
      if (i === 0) rec.firstTokenAt = wallMs();
    }
    res.write(chunk(id, {}, 'stop'));
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1733212345, model: 'fake-rate', choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens.length, total_tokens: 100 + tokens.length } })}\n\n`);
    res.end('data: [DONE]\n\n');
    rec.endAt = wallMs();
  }

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the backend in a child process (tsx) and waits for its URL. */
export async function spawnTokenRateBackend(options: TokenRateOptions): Promise<TokenRateBackend> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`token-rate backend exited with ${code}`)));
    lines.once('line', (l) => resolve((JSON.parse(l) as { url: string }).url));
  });
  return {
    url,
    pid: child.pid ?? -1,
    async stats() {
      const res = await fetch(url.replace(/\/v1$/, '/stats'));
      return (await res.json()) as BackendRecord[];
    },
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const options = { tokensPerSecond: 50, firstTokenMs: 100, maxTokens: 40, ...(JSON.parse(process.argv[2] ?? '{}') as Partial<TokenRateOptions>) };
  const { url, close } = await serveTokenRate(options);
  console.log(JSON.stringify({ url, ...options }));
  process.on('SIGTERM', () => void close().then(() => process.exit(0)));
}
