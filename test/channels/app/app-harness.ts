import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { attachAppSocket, type AppSocket, type AppSocketDeps } from '../../../src/channels/app/app-socket-server.ts';
import type { LanguageModel } from '../../../src/contracts/language-model.ts';
import { hashKey } from '../../../src/server/admin-auth.ts';
import { createAuth } from '../../../src/server/auth.ts';
import { ADMIN_KEY, startTestServer, type TestServer } from '../../support/start-test-server.ts';

/**
 * A real Kefu server (startTestServer) plus the app socket on an HTTP server of its own that
 * serves the same app: startServer does not hand out its node server, and attaching is the
 * wiring's job. `url` is the HTTP API, `wsUrl` the app channel.
 */
export interface AppHarness {
  server: TestServer;
  http: Server;
  socket: AppSocket;
  url: string;
  wsUrl: string;
  identify: AppSocketDeps['identify'];
  close(): Promise<void>;
}

export async function startAppHarness(options: { env?: Record<string, string>; model?: LanguageModel; socket?: Partial<AppSocketDeps> } = {}): Promise<AppHarness> {
  const server = await startTestServer({ KEFU_BUSINESS_HOURS: 'always', ...options.env }, undefined, options.model === undefined ? {} : { model: options.model });
  const http: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: server.kefu.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const node = http as Server;
  const { identify } = createAuth({ adminKeyHash: hashKey(ADMIN_KEY), keys: server.kefu.keys });
  const socket = attachAppSocket(node, {
    pipeline: server.kefu.pipeline,
    store: server.kefu.store,
    sessions: server.kefu.sessions,
    identify,
    maxMessageChars: 2000,
    logger: server.kefu.logger,
    metrics: server.kefu.metrics,
    ...options.socket,
  });
  const { port } = node.address() as AddressInfo;
  return {
    server,
    http: node,
    socket,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    identify,
    async close() {
      await socket.close();
      await new Promise<void>((resolve) => {
        node.close(() => resolve());
        node.closeAllConnections();
      });
      await server.destroy();
    },
  };
}

/** A raw protocol client: frames as sent, events as received, for checking the wire itself. */
export interface RawClient {
  ws: WebSocket;
  events: Record<string, unknown>[];
  send(frame: unknown): void;
  /** The next event (from the first not yet taken) that matches. */
  next(match?: (e: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function rawClient(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
  const ws = new WebSocket(url, options);
  const events: Record<string, unknown>[] = [];
  let taken = 0;
  let wake: (() => void) | null = null;
  ws.on('message', (data) => {
    events.push(JSON.parse(String(data)) as Record<string, unknown>);
    wake?.();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    events,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async next(match = () => true, ms = 5000) {
      const until = Date.now() + ms;
      for (;;) {
        while (taken < events.length) {
          const e = events[taken++]!;
          if (match(e)) return e;
        }
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no matching event in ${ms} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
    },
  };
}

/** The HTTP status of a refused upgrade. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

export async function eventually<T>(probe: () => T | null | Promise<T | null>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
