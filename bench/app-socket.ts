import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { KefuClient } from '../sdk/kefu-client.ts';
import { attachAppSocket } from '../src/channels/app/app-socket-server.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { hashKey } from '../src/server/admin-auth.ts';
import { createAuth } from '../src/server/auth.ts';
import { startServer } from '../src/server/start-server.ts';

const QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '怎么开发票?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];
const ADMIN_KEY = 'bench-admin-key-0123456789';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number): number => Math.round(n * 100) / 100;

export interface AppSocketBench {
  clients: number;
  messagesPerClient: number;
  messages: number;
  errors: number;
  firstDelta: { p50Ms: number; p99Ms: number };
  done: { p50Ms: number; p99Ms: number };
  messagesPerSecond: number;
}

/**
 * The app channel under load: `clients` SDK clients on one server, each sending `messages`
 * messages one after another (KEFU_LLM=none, so no model time), timing each reply from send to
 * its first delta and to done.
 */
export async function benchAppSocket(options: { clients?: number; messages?: number } = {}): Promise<AppSocketBench> {
  const clients = options.clients ?? 50;
  const messages = options.messages ?? 20;
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-bench-'));
  const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), KEFU_LLM: 'none', KEFU_LOG_LEVEL: 'silent', KEFU_ADMIN_KEY: ADMIN_KEY }));
  const http: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: server.kefu.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const node = http as Server;
  const socket = attachAppSocket(node, {
    pipeline: server.kefu.pipeline,
    store: server.kefu.store,
    sessions: server.kefu.sessions,
    identify: createAuth({ adminKeyHash: hashKey(ADMIN_KEY), keys: server.kefu.keys }).identify,
    maxMessageChars: 2000,
    logger: server.kefu.logger,
    metrics: server.kefu.metrics,
  });
  const url = `ws://127.0.0.1:${(node.address() as AddressInfo).port}/v1/ws`;
  const sdk = Array.from({ length: clients }, () => new KefuClient({ url, WebSocket, reconnect: false }));
  const firstDelta: number[] = [];
  const done: number[] = [];
  let errors = 0;
  try {
    await Promise.all(sdk.map((c) => c.connect()));
    const started = performance.now();
    await Promise.all(
      sdk.map(async (c, ci) => {
        for (let i = 0; i < messages; i++) {
          const t = performance.now();
          let first: number | null = null;
          try {
            for await (const e of c.send(QUESTIONS[(ci + i) % QUESTIONS.length]!)) {
              if (e.type === 'delta' && first === null) first = performance.now() - t;
              if (e.type === 'done') done.push(performance.now() - t);
            }
            if (first !== null) firstDelta.push(first);
          } catch {
            errors += 1;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    firstDelta.sort((a, b) => a - b);
    done.sort((a, b) => a - b);
    return {
      clients,
      messagesPerClient: messages,
      messages: done.length,
      errors,
      firstDelta: { p50Ms: round(percentile(firstDelta, 50)), p99Ms: round(percentile(firstDelta, 99)) },
      done: { p50Ms: round(percentile(done, 50)), p99Ms: round(percentile(done, 99)) },
      messagesPerSecond: round(done.length / seconds),
    };
  } finally {
    for (const c of sdk) c.close();
    await socket.close();
    await new Promise<void>((resolve) => {
      node.close(() => resolve());
      node.closeAllConnections();
    });
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// tsx bench/app-socket.ts [clients] [messages per client]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [clients, messages] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await benchAppSocket({ ...(clients ? { clients } : {}), ...(messages ? { messages } : {}) }), null, 2));
}
