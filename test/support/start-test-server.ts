import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import { loadConfig } from '../../src/config/load-config.ts';
import type { LanguageModel } from '../../src/contracts/language-model.ts';
import type { Logger } from '../../src/logging/create-logger.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Stops the server and deletes its data dir. */
  destroy(): Promise<void>;
}

/** A real Kefu server on a random loopback port with its own data dir. */
/** 2026-11-24 10:00 in Shanghai, a Tuesday: the clock docs/demo-order-system.md lists order ids for. */
export const DEMO_NOW = Date.parse('2026-11-24T10:00:00+08:00');

export async function startTestServer(env: Record<string, string | undefined> = {}, dataDir?: string, options: { now?: () => number; model?: LanguageModel | null; logger?: Logger } = {}): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'kefu-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    KEFU_DATA_DIR: dir,
    KEFU_LLM: 'none',
    KEFU_ADMIN_KEY: ADMIN_KEY,
    KEFU_LOG_LEVEL: 'silent',
    // Agents always on duty unless a test says otherwise: results must not depend on the hour.
    KEFU_BUSINESS_HOURS: 'always',
    ...env,
  });
  const server = await startServer(config, options);
  return {
    ...server,
    dataDir: dir,
    async destroy() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Session tokens the test clients were given, by session id: `postJson` sends a session's token
 * with a request that continues it (as the widget and SDK do) unless the body names one itself,
 * and `sessionHeaders` gives it for reads. Tests of the tokens themselves use plain fetch.
 */
const sessionTokens = new Map<string, string>();

/** Remembers the token of a reply that created a session (JSON body, SSE `done`, `kefu` of the façade). */
export function rememberSessionToken(reply: unknown): void {
  if (typeof reply !== 'object' || reply === null) return;
  const r = reply as { session_id?: unknown; session_token?: unknown; kefu?: unknown };
  if (typeof r.session_id === 'string' && typeof r.session_token === 'string') sessionTokens.set(r.session_id, r.session_token);
  if (r.kefu !== undefined) rememberSessionToken(r.kefu);
}

export const sessionTokenOf = (sessionId: string): string | undefined => sessionTokens.get(sessionId);

/** The X-Kefu-Session-Token header for reading a session the tests created ({} if unknown). */
export function sessionHeaders(sessionId: string): Record<string, string> {
  const token = sessionTokens.get(sessionId);
  return token === undefined ? {} : { 'x-kefu-session-token': token };
}

/** Reads a whole SSE response with a real SSE parser. */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e) => {
      const data: unknown = e.data === '[DONE]' ? e.data : JSON.parse(e.data);
      if (e.event === 'done') rememberSessionToken(data);
      events.push({ event: e.event ?? 'message', data });
    },
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return events;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  let sent = body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && !('session_token' in body)) {
    const sessionId = (body as { session_id?: unknown }).session_id;
    const token = typeof sessionId === 'string' ? sessionTokens.get(sessionId) : undefined;
    if (token !== undefined) sent = { ...body, session_token: token };
  }
  // A session's own routes (rating...) take the token as a header.
  const inPath = /\/sessions\/([^/]+)\//.exec(new URL(url).pathname)?.[1];
  const pathHeaders = inPath === undefined || 'x-kefu-session-token' in headers ? {} : sessionHeaders(decodeURIComponent(inPath));
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...pathHeaders, ...headers }, body: JSON.stringify(sent) });
  if (res.ok && (res.headers.get('content-type') ?? '').includes('application/json')) rememberSessionToken(await res.clone().json().catch(() => null));
  return res;
}
