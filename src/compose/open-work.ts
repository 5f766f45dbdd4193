import path from 'node:path';
import type pg from 'pg';
import type { JobQueue } from '../contracts/job-queue.ts';
import type { OrderConnector } from '../contracts/order-connector.ts';
import type { RateLimitStore } from '../contracts/rate-limit-store.ts';
import { createHttpOrderConnector } from '../orders/create-http-order-connector.ts';
import { createDemoOrderSystem } from '../orders/demo-order-system.ts';
import { createRedisStreamJobQueue } from '../queue/redis-stream-job-queue.ts';
import { createSqliteJobQueue } from '../queue/sqlite-job-queue.ts';
import type { UserIdSealer } from '../safety/pii/stored-user-id.ts';
import type { AppEnv } from '../server/app-env.ts';
import { createRedisRateLimitStore } from '../server/redis-rate-limit-store.ts';
import { createPostgresTicketStore } from '../tickets/postgres-ticket-store.ts';
import { createSqliteTicketStore } from '../tickets/sqlite-ticket-store.ts';
import { createTicketService, type TicketService } from '../tickets/ticket-service.ts';
import type { RootContext } from './root-context.ts';

/** The order system: the built-in demo one (its own file) without KEFU_ORDERS_URL, else the shop's over HTTP. */
export function openOrders(ctx: RootContext): OrderConnector {
  const { config, now } = ctx;
  if (config.ordersUrl !== null) return createHttpOrderConnector({ baseUrl: config.ordersUrl });
  const demo = createDemoOrderSystem({ path: path.join(config.dataDir, 'demo-orders.db'), now });
  ctx.closing.defer(() => demo.close());
  return demo;
}

/**
 * One node: the embedded SQLite queue and in-process rate-limit counters (or the primary's, for a
 * worker of `kefu serve --workers N`). Several nodes: Redis Streams and Redis counters, shared by all.
 */
export function openQueue(ctx: RootContext, shared: RateLimitStore<AppEnv> | undefined): { queue: JobQueue; rateLimitStore: RateLimitStore<AppEnv> | null } {
  const { config, logger } = ctx;
  const queue: JobQueue = config.redisUrl === null ? createSqliteJobQueue({ path: path.join(config.dataDir, 'queue.db'), logger, leaseMs: config.queueLeaseMs }) : createRedisStreamJobQueue({ url: config.redisUrl, logger, leaseMs: config.queueLeaseMs });
  ctx.closing.defer(() => queue.close());
  const rateLimitStore: RateLimitStore<AppEnv> | null = config.redisUrl === null ? (shared ?? null) : createRedisRateLimitStore<AppEnv>({ url: config.redisUrl, logger });
  ctx.closing.defer(() => rateLimitStore?.close());
  return { queue, rateLimitStore };
}

/** Tickets for a person, stored beside the queue (or in PostgreSQL) and posted to the helpdesk by a queue worker. */
export function openTickets(ctx: RootContext, deps: { pgPool: pg.Pool | null; queue: JobQueue; userIds: UserIdSealer }): TicketService {
  const { config } = ctx;
  const tickets = createTicketService({
    queue: deps.queue,
    store: deps.pgPool === null ? createSqliteTicketStore({ path: path.join(config.dataDir, 'queue.db') }) : createPostgresTicketStore({ pool: deps.pgPool }),
    ...(config.ticketsWebhookUrl === null ? {} : { webhookUrl: config.ticketsWebhookUrl }),
    // The queued job and the stored ticket hold a personal customer id sealed; the helpdesk gets it opened.
    userIds: deps.userIds,
    logger: ctx.logger,
    now: ctx.now,
  });
  ctx.closing.defer(tickets.startWorker());
  return tickets;
}
