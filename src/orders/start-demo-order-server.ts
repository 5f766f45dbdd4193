import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createDemoOrderSystem } from './demo-order-system.ts';
import { orderSystemRoutes, type OrderSystemRoutesOptions } from './order-system-routes.ts';

export interface DemoOrderServerOptions {
  /** The demo order database (created and seeded on first use). */
  path: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Clock for the demo system (epoch ms); tests move it. Default `Date.now`. */
  now?: () => number;
  logger?: OrderSystemRoutesOptions['logger'];
}

export interface RunningDemoOrderServer {
  /** Base URL to give the HTTP order connector (`KEFU_ORDERS_URL`), without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Serves the demo order system over HTTP, as a separate order system would be. */
export async function startDemoOrderServer(options: DemoOrderServerOptions): Promise<RunningDemoOrderServer> {
  const system = createDemoOrderSystem(options.now ? { path: options.path, now: options.now } : { path: options.path });
  const routes = orderSystemRoutes(system, options.logger ? { logger: options.logger } : {});
  const host = options.host ?? '127.0.0.1';
  let server: ServerType;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: routes.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (e) {
    await system.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await system.close();
    },
  };
}
