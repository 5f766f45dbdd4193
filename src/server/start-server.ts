import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerMalformedRequests } from './client-error-reply.ts';
import type { KefuConfig } from '../config/load-config.ts';
import { createKefu, type CreateKefuOptions, type Kefu } from '../create-kefu.ts';
import type { Logger } from '../logging/create-logger.ts';

export interface RunningServer {
  url: string;
  kefu: Kefu;
  close(): Promise<void>;
}

export async function startServer(config: KefuConfig, options: { logger?: Logger } & Pick<CreateKefuOptions, 'now' | 'model' | 'embeddingModel' | 'importKb' | 'shared'> = {}): Promise<RunningServer> {
  const kefu = await createKefu(config, options);
  // Before listening: the first customer after a (re)start gets a warm turn, not the loading of its parts.
  const warming = performance.now();
  // A failure here would meet the first customer too; it is logged, and serving goes ahead.
  await kefu.warmUp().then(
    () => kefu.logger.debug({ ms: Math.round(performance.now() - warming) }, 'turn warmed up'),
    (err: unknown) => kefu.logger.warn({ err }, 'warming the turn failed'),
  );
  // Not `serve()`: it listens with Node's default backlog of 511, too short for a burst of
  // streaming clients arriving while the event loop is busy.
  // A request's headers and body must arrive within requestTimeoutMs (Node's default is 300 s, so
  // a body trickled a byte at a time held a connection for minutes); checked at a fraction of it.
  const serverOptions = {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.round(config.requestTimeoutMs / 4))),
  };
  const server: ServerType = createAdaptorServer({ fetch: kefu.app.fetch, hostname: config.host, serverOptions });
  answerMalformedRequests(server as Server, kefu.app.fetch, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await kefu.close();
    throw err;
  }
  // Mobile apps: the WebSocket channel on the same port (/v1/ws), wired by createKefu.
  const appSocket = kefu.attachAppSocket(server as Server);
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  kefu.logger.info({ url, llm: kefu.model?.id ?? 'none' }, 'kefu listening');
  return {
    url,
    kefu,
    async close() {
      // Upgraded sockets would hold server.close(); their aborted replies finish before the store closes.
      await appSocket.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Long-lived SSE connections would hold close() forever.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await kefu.close();
    },
  };
}
