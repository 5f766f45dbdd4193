import type { IncomingMessage, Server } from 'node:http';
import type { AttachmentReaders } from '../../multimodal/read-attachments.ts';
import type { Duplex } from 'node:stream';
import type { ClientRateLimitInfo } from 'hono-rate-limiter';
import { WebSocketServer } from 'ws';
import type { ConversationStore } from '../../contracts/conversation-store.ts';
import type { Logger } from '../../logging/create-logger.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import type { ChatPipeline } from '../../pipeline/chat-pipeline.ts';
import type { Principal } from '../../server/auth.ts';
import { clientAddress, type TrustedProxies } from '../../server/client-address.ts';
import type { SessionManager } from '../../sessions/session-manager.ts';
import { openConnection, type AppConnection } from './app-connection.ts';
import { toAppMessage, type ServerEvent } from './app-protocol.ts';
import type { SessionEvents } from '../../contracts/session-events.ts';
import { createSessionWatcher } from './session-watcher.ts';

export interface AppSocketDeps {
  pipeline: ChatPipeline;
  store: ConversationStore;
  /** The node's one session manager, shared with the HTTP channels (createKefu builds it). */
  sessions: SessionManager;
  /** `auth.identify`: the principal of a key, null for an unknown or revoked one. */
  identify: (key: string) => Promise<Principal | null>;
  maxMessageChars: number;
  logger: Logger;
  /** Server pings every this often; a client that misses two is cut off. */
  heartbeatMs?: number;
  path?: string;
  /** How often connected sessions are checked for new agent replies and notices. */
  pollMs?: number;
  /** Largest frame accepted; a bigger one closes the connection with 1009. */
  maxPayloadBytes?: number;
  /** Readers of pictures and recordings in message frames (docs/multimodal.md); absent: text only. */
  attachments?: AttachmentReaders;
  /** KEFU_USER_ID_SECRET: user ids in hello must then come with user_sig. */
  userIdSecret?: string | null;
  /**
   * Messages per minute per client address across its connections, and new connections (each
   * one a session) per minute per address (KEFU_RATE_LIMIT_PER_MINUTE).
   */
  ratePerMinute?: number;
  /** KEFU_TRUSTED_PROXIES: peers whose X-Forwarded-For names the client; null: the peer is the client. */
  trustedProxies?: TrustedProxies | null;
  /**
   * The HTTP rate-limit store (Redis in multi-node mode) for the connection limit, so it holds
   * across nodes; a one-minute window. Default: counters in this process.
   */
  sessionLimitStore?: { increment(key: string): ClientRateLimitInfo | Promise<ClientRateLimitInfo> };
  /** Stored agent replies and notices announced in-process, pushed without waiting for the poll. */
  events?: SessionEvents;
  metrics?: Pick<Metrics, 'activeStreams' | 'errors'>;
}

export interface AppSocket {
  /** Sends an event to every connection of a session; returns how many got it. */
  broadcastToSession(sessionId: string, event: ServerEvent): number;
  /** Open connections (for tests and metrics). */
  readonly connections: number;
  /** Stops accepting, closes every connection (1001) and waits for replies in progress to end. */
  close(): Promise<void>;
}

const bearer = (header: string | undefined): string | null => /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? null;

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** Answers an upgrade request with a plain HTTP error, as the rest of the API would. */
function reject(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.once('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Per-client budgets per minute: messages in memory, connections in the shared store when there is one. */
function createRateBudgets(ratePerMinute: number, sessionLimitStore: AppSocketDeps['sessionLimitStore']) {
  const budgets = new Map<string, { windowStart: number; used: number }>();
  /** One more use of `key`'s budget this minute; false once it is spent. */
  const take = (key: string): boolean => {
    if (!Number.isFinite(ratePerMinute)) return true;
    const at = Date.now();
    let b = budgets.get(key);
    if (b === undefined || at - b.windowStart >= 60_000) {
      b = { windowStart: at, used: 0 };
      budgets.set(key, b);
    }
    b.used += 1;
    return b.used <= ratePerMinute;
  };
  const takeMessage = (client: string): boolean => take(`message:${client}`);
  // Every connection is a hello and so a session: without a limit one address opened thousands
  // in seconds. Counted at the upgrade, before a key lookup or a session costs anything.
  const takeConnection = async (client: string): Promise<boolean> => {
    if (!Number.isFinite(ratePerMinute)) return true;
    if (sessionLimitStore === undefined) return take(`connection:${client}`);
    return (await sessionLimitStore.increment(`ws-connection:${client}`)).totalHits <= ratePerMinute;
  };

  /** Forgets the budgets of clients quiet for a minute. */
  const sweep = (): void => {
    const stale = Date.now() - 60_000;
    for (const [client, b] of budgets) if (b.windowStart < stale) budgets.delete(client);
  };
  return { takeMessage, takeConnection, sweep };
}

/** Pings every connection; one that missed two pongs is cut off. */
function startHeartbeat(connections: Set<AppConnection>, heartbeatMs: number, logger: Logger, sweep: () => void): ReturnType<typeof setInterval> {
  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (conn.missed >= 2) {
        logger.debug({ sessionId: conn.sessionId }, 'app socket: heartbeat missed twice, terminating');
        conn.ws.terminate();
        continue;
      }
      conn.missed += 1;
      conn.ws.ping();
    }
    sweep();
  }, heartbeatMs);
  heartbeat.unref();
  return heartbeat;
}

/**
 * The upgrade request's checks before a socket opens: its path, shutdown, the connection budget,
 * then the key (Bearer or `?key=`); each refusal is a plain HTTP error.
 */
function createUpgradeHandler(o: {
  server: Server;
  path: string;
  deps: AppSocketDeps;
  ratePerMinute: number;
  isClosing: () => boolean;
  takeConnection: (client: string) => Promise<boolean>;
  accept: (req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal | null, client: string) => void;
}): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { server, path, deps, ratePerMinute, takeConnection, accept } = o;
  const logger = deps.logger;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      // Another upgrade handler may own that path; alone on the server, say it does not exist.
      if (server.listeners('upgrade').length === 1) reject(socket, 404, 'not_found', `No WebSocket endpoint at ${url.pathname}; the app channel is ${path}`);
      return;
    }
    if (o.isClosing()) return reject(socket, 503, 'shutting_down', 'The server is shutting down');
    const client = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trustedProxies ?? null);
    takeConnection(client).then(
      (allowed) => {
        if (!allowed) {
          deps.metrics?.errors.inc({ code: 'rate_limited' });
          return reject(socket, 429, 'rate_limited', `Too many connections: the limit is ${ratePerMinute} per minute per client`);
        }
        authenticate(req, socket, head, url, client);
      },
      (err: unknown) => {
        logger.error({ err }, 'connection limit check failed during a WebSocket upgrade');
        reject(socket, 503, 'unavailable', 'Try again');
      },
    );
  };

  const authenticate = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, client: string) => {
    const key = bearer(req.headers.authorization) ?? url.searchParams.get('key');
    if (key === null || key === '') return accept(req, socket, head, null, client);
    // Keys may live in a shared database: the upgrade waits for the lookup.
    deps.identify(key).then(
      (principal) => (principal === null ? reject(socket, 401, 'unauthorized', 'Invalid or revoked key') : accept(req, socket, head, principal, client)),
      (err: unknown) => {
        logger.error({ err }, 'key lookup failed during a WebSocket upgrade');
        reject(socket, 503, 'unavailable', 'Keys cannot be checked right now; try again');
      },
    );
  };

  return onUpgrade;
}

/**
 * The app channel: a WebSocket endpoint on Kefu's own HTTP server (docs/app-channel.md). The key
 * is checked before the upgrade: `Authorization: Bearer` or `?key=` (browsers cannot set
 * headers); none is the public web channel of the default tenant.
 */
export function attachAppSocket(server: Server, deps: AppSocketDeps): AppSocket {
  const path = deps.path ?? '/v1/ws';
  const heartbeatMs = deps.heartbeatMs ?? 25_000;
  const ratePerMinute = deps.ratePerMinute ?? Number.POSITIVE_INFINITY;
  const logger = deps.logger;
  // Frames are JSON around the message: room for the longest message escaped, a code point
  // outside the BMP being two \uXXXX escapes.
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxPayloadBytes ?? Math.max(64 * 1024, deps.maxMessageChars * 12 + 1024) });
  const { sessions } = deps;
  const watcher = createSessionWatcher({ store: deps.store, intervalMs: deps.pollMs ?? 500, logger, roles: ['agent', 'system'] });
  const connections = new Set<AppConnection>();
  const budgets = createRateBudgets(ratePerMinute, deps.sessionLimitStore);
  let closing = false;

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal | null, client: string) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = openConnection(ws, principal, {
        pipeline: deps.pipeline,
        sessions,
        store: deps.store,
        logger,
        ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
        maxMessageChars: deps.maxMessageChars,
        userIdSecret: deps.userIdSecret ?? null,
        ...(deps.attachments === undefined ? {} : { attachments: deps.attachments }),
        watcher,
        takeMessage: () => budgets.takeMessage(client),
        maxBufferedBytes: 4 * 1024 * 1024,
        onClose: (c) => connections.delete(c),
      });
      connections.add(conn);
    });
  };
  const onUpgrade = createUpgradeHandler({ server, path, deps, ratePerMinute, isClosing: () => closing, takeConnection: budgets.takeConnection, accept });
  server.on('upgrade', onUpgrade);
  const heartbeat = startHeartbeat(connections, heartbeatMs, logger, budgets.sweep);

  const unsubscribe = deps.events?.subscribe((sessionId, m) => {
    if (m.role === 'agent' || m.role === 'system') broadcastToSession(sessionId, { type: 'message', message: toAppMessage(m) });
  });

  function broadcastToSession(sessionId: string, event: ServerEvent): number {
    let sent = 0;
    for (const conn of connections) {
      if (conn.sessionId !== sessionId) continue;
      if (event.type === 'message') conn.deliver(event.message);
      else conn.send(event);
      sent += 1;
    }
    return sent;
  }

  return {
    broadcastToSession,
    get connections() {
      return connections.size;
    },
    async close() {
      if (closing) return;
      closing = true;
      server.off('upgrade', onUpgrade);
      clearInterval(heartbeat);
      unsubscribe?.();
      const open = [...connections];
      for (const conn of open) {
        conn.ws.close(1001, 'server shutting down');
        conn.abort();
      }
      // Wait for the aborted replies to record what they said, so the store is not closed under them.
      await Promise.all(open.map((c) => c.settled()));
      await watcher.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // Clients that do not answer the close handshake are cut off.
      for (const conn of open) conn.ws.terminate();
    },
  };
}
