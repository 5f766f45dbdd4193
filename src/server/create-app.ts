import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ConversationStore } from '../contracts/conversation-store.ts';
import type { KnowledgeBase } from '../contracts/knowledge-base.ts';
import type { RateLimitStore } from '../contracts/rate-limit-store.ts';
import { KefuError } from '../errors.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { ChatPipeline } from '../pipeline/chat-pipeline.ts';
import type { ApiKeyStore } from '../contracts/api-key-store.ts';
import { createAuth } from './auth.ts';
import { clientAddress, type TrustedProxies } from './client-address.ts';
import { keyRoutes } from './routes/key-routes.ts';
import type { AuditLog } from '../contracts/audit-log.ts';
import { auditRoutes } from '../audit/audit-routes.ts';
import type { PiiEngine } from '../safety/pii/create-pii-engine.ts';
import { piiRoutes } from './routes/pii-routes.ts';
import type { SessionEvents } from '../contracts/session-events.ts';
import { adminRoutes, type SuggestReply } from './routes/admin-routes.ts';
import { consoleRoutes } from './routes/console-routes.ts';
import type { ProactiveService } from '../proactive/proactive-service.ts';
import { proactiveRoutes } from '../proactive/proactive-routes.ts';
import type { AppEnv } from './app-env.ts';
import { createErrorHandler } from './error-handler.ts';
import { perMinuteLimiter as limiterOf } from './per-minute-limiter.ts';
import { requestId } from './request-id.ts';
import { fixedHeaders } from './fixed-headers.ts';
import { lingerUnreadBody } from './linger-unread-body.ts';
import { nodeBodyLimit } from './node-body-limit.ts';
import { chatRoutes } from './routes/chat-routes.ts';
import { handoffRoutes } from './routes/handoff-routes.ts';
import { ticketRoutes } from './routes/ticket-routes.ts';
import type { HandoffQueue } from '../contracts/handoff-queue.ts';
import type { KpiQueries } from '../contracts/kpi-queries.ts';
import type { OutcomeTracker } from '../contracts/outcome-tracker.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { kbRoutes } from './routes/kb-routes.ts';
import { openaiRoutes } from './routes/openai-routes.ts';
import { opsRoutes, type ReadinessCheck } from './routes/ops-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { retainedFileRoutes } from './routes/retained-file-routes.ts';
import type { EraseSession } from '../sessions/erase-session.ts';
import { webRoutes } from './routes/web-routes.ts';
import { requestLogFields } from './request-log-fields.ts';
import type { AttachmentReaders } from '../multimodal/read-attachments.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';

export interface AppDeps {
  pipeline: ChatPipeline;
  kb: KnowledgeBase;
  store: ConversationStore;
  metrics: Metrics;
  logger: Logger;
  adminKeyHash: string;
  keys: ApiKeyStore;
  audit: AuditLog;
  piiEngine: PiiEngine;
  /** The WeCom callback routes when configured. */
  wecom?: Hono | null;
  sessionEvents?: SessionEvents;
  proactive?: ProactiveService;
  /** Shared counters in multi-node mode (Redis); in memory otherwise. */
  rateLimitStore?: RateLimitStore<AppEnv>;
  /** The /metrics text when it is not this process's registry alone (`--workers N`: the machine's sum). */
  metricsText?: () => Promise<string>;
  dataDir: string;
  kbPaths: readonly string[];
  suggest?: SuggestReply;
  /** KEFU_CORS_ORIGINS; empty: any origin. */
  corsOrigins: readonly string[];
  handoffs: HandoffQueue;
  sessions: SessionManager;
  outcomes: OutcomeTracker;
  /** `DELETE /v1/sessions/:id`: erases a session's transcript, rating comment and vault entries. */
  eraseSession?: EraseSession;
  /** KPIs from the shared database in multi-node mode; the local kefu.db otherwise. */
  kpis: KpiQueries;
  tickets: TicketService;
  readiness: ReadinessCheck[];
  limits: { maxBodyBytes: number; maxMessageChars: number; ratePerMinute: number; chat?: { maxBodyBytes: number; note: string } };
  /** Readers of pictures (OCR) and recordings (ASR) sent with a chat turn; absent: text only. */
  attachments?: AttachmentReaders;
  /** Pictures kept with their session (KEFU_IMAGE_RETENTION=on), shown in the agent console. */
  retainedFiles?: Pick<RetainedFiles, 'get'> | null;
  /** KEFU_USER_ID_SECRET: when set, user ids on /v1/chat must be signed by the shop. */
  userIdSecret: string | null;
  /** Derives the façade's session ids from (key, user) (ensureSessionSecret). */
  sessionSecret: string;
  /** KEFU_TRUSTED_PROXIES: peers whose X-Forwarded-For names the client for rate limits; null: none. */
  trustedProxies?: TrustedProxies | null;
}

/** The rate-limit key of a request: the client's address, read through trusted proxies only. */
const clientKeyOf = (trusted: TrustedProxies | null) => (c: Context<AppEnv>): string => {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return 'unknown';
  }
  return clientAddress(peer, c.req.header('x-forwarded-for'), trusted);
};

/** KEFU_RATE_LIMIT_PER_MINUTE per client, counted in the shared store when there is one. */
function perMinuteLimiter(deps: AppDeps, keyGenerator: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return limiterOf({ limit: deps.limits.ratePerMinute, keyGenerator, ...(deps.rateLimitStore === undefined ? {} : { store: deps.rateLimitStore }) });
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { logger, metrics, limits } = deps;
  const app = new Hono<AppEnv>();
  const clientKey = clientKeyOf(deps.trustedProxies ?? null);
  const auth = createAuth({ adminKeyHash: deps.adminKeyHash, keys: deps.keys });
  // Tenant-scoped admin keys pass `agent` (their tenant's sessions and handoffs) and the key routes;
  // `admin` is for what has no tenant (KB, tickets, KPIs, audit).
  const admin = auth.globalAdmin();
  const agent = auth.require('agent');
  const channel = auth.channel();

  // Outermost: a body the route left unread is read before the answer goes out (linger-unread-body.ts).
  app.use(lingerUnreadBody());
  app.use(requestId());
  // Headers for every response (nosniff, frame and referrer policy...); the widget is embedded
  // on shops' own sites, so the customer endpoints and widget.js answer CORS from the origins
  // configured (any by default: they are public and take no cookies).
  app.use(fixedHeaders(deps.corsOrigins));
  // Streams drop Hono's `Connection: keep-alive` themselves (sse-response.ts).
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    if (!logger.isLevelEnabled('info')) return;
    const fields = { reqId: c.get('requestId'), clientReqId: c.req.header('x-request-id'), method: c.req.method, path: c.req.path, status: c.res.status };
    logger.info(requestLogFields(Object.assign(fields, { ms: Math.round(performance.now() - started) })), 'request');
  });
  const generalLimit = nodeBodyLimit({
    maxSize: limits.maxBodyBytes,
    onError: () => {
      throw new KefuError('payload_too_large', `Request body exceeds ${limits.maxBodyBytes} bytes`, { status: 413 });
    },
  });
  // A chat turn may carry a picture or a recording (base64 in the JSON): its own, larger limit,
  // still checked before the body is read.
  const chat = limits.chat;
  const chatLimit = chat === undefined ? generalLimit : nodeBodyLimit({
    maxSize: chat.maxBodyBytes,
    onError: () => {
      throw new KefuError('attachment_too_large', `Request body exceeds ${chat.maxBodyBytes} bytes: ${chat.note}`, { status: 413 });
    },
  });
  app.use('/v1/*', (c, next) => (c.req.path === '/v1/chat' ? chatLimit(c, next) : generalLimit(c, next)));
  const limiter = perMinuteLimiter(deps, clientKey);
  // Hono's `/v1/chat/*` also matches `/v1/chat` itself: one registration covers both.
  app.use('/v1/chat/*', limiter);
  app.use('/v1/kb/search', limiter);

  app.route('/', opsRoutes({ metrics, checks: deps.readiness, ...(deps.metricsText === undefined ? {} : { metricsText: deps.metricsText }) }));
  app.route('/', chatRoutes({ pipeline: deps.pipeline, maxMessageChars: limits.maxMessageChars, logger, metrics, userIdSecret: deps.userIdSecret, channel, ...(deps.attachments === undefined ? {} : { attachments: deps.attachments, maxTextBodyBytes: limits.maxBodyBytes }) }));
  app.route('/', openaiRoutes({ pipeline: deps.pipeline, maxMessageChars: limits.maxMessageChars, logger, userIdSecret: deps.userIdSecret, sessionSecret: deps.sessionSecret, channel: auth.channel({ ignoreUnknown: true }) }));
  app.route('/', kbRoutes({ kb: deps.kb, admin }));
  if (deps.retainedFiles) app.route('/', retainedFileRoutes({ store: deps.store, files: deps.retainedFiles, agent }));
  app.route('/', sessionRoutes({ store: deps.store, agent, ...(deps.eraseSession === undefined ? {} : { erase: deps.eraseSession }) }));
  app.route('/', handoffRoutes({ handoffs: deps.handoffs, sessions: deps.sessions, store: deps.store, outcomes: deps.outcomes, audit: deps.audit, ...(deps.sessionEvents === undefined ? {} : { events: deps.sessionEvents }), admin, agent, channel }));
  app.route('/', keyRoutes({ keys: deps.keys, admin: auth.require('admin') }));
  app.route('/', auditRoutes({ audit: deps.audit, admin }));
  // Its own bucket, so a shop's server masking text never eats its customers' chat allowance.
  const piiLimiter = perMinuteLimiter(deps, (c) => `pii:${clientKey(c)}`);
  app.route('/', piiRoutes({ engine: deps.piiEngine, auth: auth.require('agent', 'channel'), limiter: piiLimiter }));
  app.route('/', adminRoutes({ store: deps.store, kb: deps.kb, dataDir: deps.dataDir, kbPaths: deps.kbPaths, outcomes: deps.outcomes, kpis: deps.kpis, admin, agent, logger, ...(deps.suggest === undefined ? {} : { suggest: deps.suggest }) }));
  app.route('/', consoleRoutes());
  if (deps.wecom) app.route('/', deps.wecom);
  if (deps.proactive) {
    // Page events have their own budget so a busy page never eats the customer's chat allowance.
    const eventsLimiter = perMinuteLimiter(deps, clientKey);
    app.route('/', proactiveRoutes({ service: deps.proactive, admin, channel, sessions: deps.store, limiter: eventsLimiter }));
  }
  app.route('/', ticketRoutes({ tickets: deps.tickets, admin }));
  app.route('/', webRoutes());

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError(createErrorHandler(logger, metrics));
  return app;
}
