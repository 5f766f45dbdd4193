import type { Server } from 'node:http';
import { attachAppSocket, type AppSocket } from './channels/app/app-socket-server.ts';
import { createRedisSessionEvents } from './channels/app/redis-session-events.ts';
import { createSessionEvents } from './channels/app/session-events.ts';
import { buildApp } from './compose/build-app.ts';
import { buildPipeline } from './compose/build-pipeline.ts';
import { buildWecom } from './compose/build-wecom.ts';
import { openAnswerCache, openKb, openLanguageModel } from './compose/open-knowledge.ts';
import { openAuditLog, openPrivateStores, openStores } from './compose/open-stores.ts';
import { openOrders, openQueue, openTickets } from './compose/open-work.ts';
import { createRootContext, type RootContext } from './compose/root-context.ts';
import { trackOutcomes } from './compose/track-outcomes.ts';
import type { KefuConfig } from './config/load-config.ts';
import { protectDataDir } from './config/protect-data-dir.ts';
import type { EmbeddingModel } from './contracts/embedding-model.ts';
import type { LanguageModel } from './contracts/language-model.ts';
import type { RateLimitStore } from './contracts/rate-limit-store.ts';
import type { SessionEvents } from './contracts/session-events.ts';
import type { Logger } from './logging/create-logger.ts';
import { createVoiceReaderFromConfig } from './multimodal/asr/create-voice-reader.ts';
import { chatBodyLimit } from './multimodal/attachment.ts';
import { createImageReader } from './multimodal/ocr/image-reader.ts';
import { createTesseractPool } from './multimodal/ocr/tesseract-pool.ts';
import type { AttachmentReaders } from './multimodal/read-attachments.ts';
import { openProactiveService } from './proactive/open-proactive-service.ts';
import { loadProactiveRules } from './proactive/proactive-rules.ts';
import { loadConstitution } from './safety/output-guard/constitution.ts';
import { createOutputGuard } from './safety/output-guard/output-guard.ts';
import { createPiiEngine } from './safety/pii/create-pii-engine.ts';
import type { AppEnv } from './server/app-env.ts';
import { createAuth } from './server/auth.ts';
import { parseTrustedProxies } from './server/client-address.ts';
import { ensureAdminKey } from './server/ensure-admin-key.ts';
import { createSessionEraser } from './sessions/erase-session.ts';
import { createSessionManager, startSweeper } from './sessions/session-manager.ts';
import { ensureSessionSecret } from './sessions/session-secret.ts';

/**
 * The composition root: the one place where configuration picks adapters and wires them — the
 * HTTP app, the app socket, WeCom — with its parts in src/compose/ (which also opens what the CLI
 * commands use: command-adapters.ts). Everything else receives its dependencies. Parts are closed
 * in the reverse order of opening (compose/close-stack.ts).
 */
export interface CreateKefuOptions {
  logger?: Logger;
  importKb?: boolean;
  /** Epoch ms clock for everything time-dependent (dialogue dates, business hours, demo orders); tests pin it. */
  now?: () => number;
  /**
   * A language model to use instead of the one KEFU_LLM configures (null: retrieval-only). The
   * red-team suite injects an obedient model here so the guards are tested on their own.
   */
  model?: LanguageModel | null;
  /** An embedding model to use instead of building the one KEFU_EMBEDDING_* configures (a worker's, hosted by the primary). */
  embeddingModel?: EmbeddingModel;
  /**
   * A worker of `kefu serve --workers N` without Redis: session events, rate-limit counters and the
   * /metrics text go through the primary, so they hold for the machine (src/cluster/, docs/cluster.md).
   */
  shared?: { sessionEvents: SessionEvents; rateLimitStore: RateLimitStore<AppEnv>; metricsText: () => Promise<string> };
}

/** Readers of what a chat turn may carry besides text (docs/multimodal.md). */
function createAttachmentReaders(ctx: RootContext): AttachmentReaders {
  const { images, voice } = ctx.config;
  const tesseract = createTesseractPool({ concurrency: images.ocrConcurrency, timeoutMs: images.ocrTimeoutMs, languages: images.ocrLanguages });
  return {
    image: createImageReader({ pool: tesseract, metrics: ctx.metrics, limits: { maxBytes: images.maxBytes, maxPixels: images.maxPixels } }),
    // Voice messages: KEFU_ASR_BASE_URL's server, else the embedded English recognizer (pocketsphinx).
    audio: createVoiceReaderFromConfig(voice, ctx.metrics),
  };
}

/** Stored agent replies and notices reach every node through Redis; else this process (or the primary's relay). */
function openSessionEvents(ctx: RootContext, shared: SessionEvents | undefined): SessionEvents {
  if (ctx.config.redisUrl === null) return shared ?? createSessionEvents();
  const events = createRedisSessionEvents({ url: ctx.config.redisUrl, logger: ctx.logger });
  ctx.closing.defer(() => events.close());
  return events;
}

/** Stores, knowledge, model and the turn: everything but the channels. */
async function openCore(ctx: RootContext, options: CreateKefuOptions) {
  const { config, logger, now, closing } = ctx;
  const stores = await openStores(ctx);
  const { pgPool, store } = stores;
  const kb = await openKb(ctx, pgPool, options.importKb !== false, options.embeddingModel);
  const { model, modelReady } = openLanguageModel(ctx, options.model);
  const cache = await openAnswerCache(ctx, kb);
  // One node: the outcome tracker's rows are in the store's kefu.db, written with each turn's transcript.
  const sessions = createSessionManager({ store, ttlMs: config.sessionTtlMs, historyLimit: 20, now, outcomesWithTranscript: pgPool === null });
  closing.defer(startSweeper(sessions, 60_000, { onError: (err) => logger.error({ err }, 'session sweep failed') }));
  const orders = openOrders(ctx);
  const { queue, rateLimitStore } = openQueue(ctx, options.shared?.rateLimitStore);
  const tickets = openTickets(ctx, { pgPool, queue, userIds: stores.userIds });
  const { outcomes, kpis, closeIdle } = trackOutcomes(ctx, { pgPool, store, cache });
  const audit = await openAuditLog(ctx, pgPool);
  const { vault, retainedFiles } = await openPrivateStores(ctx, stores);
  const piiEngine = createPiiEngine({ onBudgetExceeded: (info) => logger.warn(info, 'PII scan budget exceeded: later recognizers skipped, what was found is masked') });
  const outputGuard = createOutputGuard({ principles: loadConstitution(config.constitutionPath ?? undefined), findPii: (text) => piiEngine.analyze(text) });
  if (config.userIdSecret === null) logger.info('user ids on /v1/chat are trusted as sent (KEFU_USER_ID_SECRET unset): fine for the demo, set it before real customers use order flows');
  const { pipeline, warmUp } = buildPipeline(ctx, { sessions, kb, model, orders, handoffs: stores.handoffs, outcomes, tickets, cache, audit, piiEngine, vault, retainedFiles, outputGuard });
  const eraseSession = createSessionEraser({
    store,
    outcomes,
    vault: {
      async purgeSession(sessionId) {
        await vault.purgeSession(sessionId);
        await retainedFiles?.purgeSession(sessionId);
      },
    },
  });
  return { ...stores, kb, model, modelReady, sessions, orders, queue, rateLimitStore, tickets, outcomes, kpis, closeIdle, audit, retainedFiles, piiEngine, outputGuard, pipeline, warmUp, eraseSession };
}

export async function createKefu(config: KefuConfig, options: CreateKefuOptions = {}) {
  const ctx = createRootContext(config, options);
  const { logger, metrics } = ctx;
  const core = await openCore(ctx, options);
  const { rateLimitStore, ...parts } = core;
  const { pipeline, store, keys } = parts;
  const admin = await ensureAdminKey(store, config.adminKey);
  const sessionSecret = await ensureSessionSecret(store, config.sessionSecret);
  const attachments = createAttachmentReaders(ctx);
  const wecom = buildWecom(ctx, { pipeline, queue: core.queue, userIds: core.userIds, sessionSecret, attachments });
  const sessionEvents = openSessionEvents(ctx, options.shared?.sessionEvents);
  // A visitor's daily limit holds on every node: the triggers are in PostgreSQL with KEFU_DATABASE_URL.
  const proactive = await openProactiveService({ dataDir: config.dataDir, pool: core.pgPool, rules: loadProactiveRules(config.proactiveRulesPath ?? undefined), now: ctx.now, timeZone: config.timeZone });
  ctx.closing.defer(() => proactive.close());
  const trustedProxies = config.trustedProxies.length === 0 ? null : parseTrustedProxies(config.trustedProxies);
  const app = buildApp(ctx, {
    ...parts, adminKeyHash: admin.hash, wecom, proactive, sessionEvents, sessionSecret, trustedProxies, attachments,
    ...(rateLimitStore === null ? {} : { rateLimitStore }),
    ...(options.shared === undefined ? {} : { metricsText: options.shared.metricsText }),
  });
  // Files the stores created above get owner-only modes too (their -wal and -shm follow).
  protectDataDir(config.dataDir, ctx.warn);
  const { identify } = createAuth({ adminKeyHash: admin.hash, keys });
  /** The largest chat turn with attachments (bytes): the app socket's frame limit too. */
  const chatBodyBytes = chatBodyLimit(config.maxBodyBytes, config.images.maxBytes, config.voice.maxBytes);
  return {
    app, pipeline, kb: core.kb, store, model: core.model, metrics, logger, orders: core.orders, tickets: core.tickets,
    handoffs: core.handoffs, keys, audit: core.audit, outcomes: core.outcomes, kpis: core.kpis, queue: core.queue, sessionEvents,
    identify, generatedAdminKey: admin.generated, sessions: core.sessions,
    /** Shared with the app socket's session limit: Redis in multi-node mode, null for in-process counters. */
    rateLimitStore,
    trustedProxies,
    /** Readers of pictures (and recordings) sent with a turn, for the app socket as for /v1/chat. */
    attachments,
    chatBodyBytes,
    /** The app channel (WebSocket, /v1/ws) on the HTTP server that serves `app`, wired like the rest. */
    attachAppSocket: (server: Server): AppSocket =>
      attachAppSocket(server, {
        pipeline, store, sessions: core.sessions, identify, logger, metrics, maxMessageChars: config.maxMessageChars,
        // A message frame may carry a picture or a recording (base64), as a /v1/chat body may.
        maxPayloadBytes: chatBodyBytes,
        attachments, ratePerMinute: config.rateLimitPerMinute, userIdSecret: config.userIdSecret, trustedProxies,
        ...(rateLimitStore === null ? {} : { sessionLimitStore: rateLimitStore }),
        events: sessionEvents,
      }),
    /** Closes conversations idle past KEFU_CONVERSATION_IDLE_MINUTES now (the timer does it every minute). */
    closeIdleConversations: core.closeIdle,
    /** Runs a turn's pure parts once (no storage, no model): `startServer` does it before listening. */
    warmUp: core.warmUp,
    close: () => ctx.closing.closeAll(),
  };
}

export type Kefu = Awaited<ReturnType<typeof createKefu>>;
