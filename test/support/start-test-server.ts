import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import { loadConfig } from '../../src/config/load-config.ts';
import type { LanguageModel } from '../../src/contracts/language-model.ts';
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

export async function startTestServer(env: Record<string, string | undefined> = {}, dataDir?: string, options: { now?: () => number; model?: LanguageModel | null } = {}): Promise<TestServer> {
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

/** Reads a whole SSE response with a real SSE parser. */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const parser = createParser({ onEvent: (e) => events.push({ event: e.event ?? 'message', data: e.data === '[DONE]' ? e.data : JSON.parse(e.data) }) });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return events;
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
