import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { DEMO_NOW, postJson, startTestServer, type TestServer } from './start-test-server.ts';

/** Decides what one call from Kefu to its order system gets; `upstream` is the demo order system. */
export type OrderProxyHandler = (req: IncomingMessage, res: ServerResponse, upstream: string) => void;

export interface KefuBehindOrderProxy {
  server: TestServer;
  close(): Promise<void>;
}

/**
 * Kefu whose `KEFU_ORDERS_URL` is a real HTTP proxy in front of the demo order system (both on
 * the demo clock): tests make the merchant's system fail, refuse or record writes at the wire,
 * without touching Kefu's connector.
 */
export async function startKefuBehindOrderProxy(handler: OrderProxyHandler): Promise<KefuBehindOrderProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-order-proxy-'));
  const orders = await startDemoOrderServer({ path: path.join(dir, 'orders.db'), now: () => DEMO_NOW });
  const proxy = createServer((req, res) => handler(req, res, orders.url));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  const server = await startTestServer({ KEFU_ORDERS_URL: `http://127.0.0.1:${port}` }, undefined, { now: () => DEMO_NOW });
  return {
    server,
    async close() {
      await server.destroy();
      await new Promise((r) => proxy.close(r));
      await orders.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Passes a read through to the order system, optionally rewriting the body it answers. */
export function relayRead(req: IncomingMessage, res: ServerResponse, upstream: string, edit: (body: string) => string = (b) => b): void {
  void fetch(`${upstream}${req.url}`).then(async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(edit(await r.text())));
}

export interface ChatReply {
  session_id: string;
  reply: string;
  flow?: { name: string; step: string };
}

/** One customer turn through `POST /v1/chat`, as `userId`, continuing `sessionId` when given. */
export async function chatAs(server: TestServer, userId: string, message: string, sessionId?: string): Promise<ChatReply> {
  const res = await postJson(`${server.url}/v1/chat`, { message, user_id: userId, ...(sessionId === undefined ? {} : { session_id: sessionId }) });
  return (await res.json()) as ChatReply;
}
