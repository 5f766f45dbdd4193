import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { KefuConfig } from './config/load-config.ts';
import type { LanguageModel } from './contracts/language-model.ts';
import { CONFIDENT_PASSAGE } from './knowledge/confidence.ts';
import { importKnowledge } from './knowledge/import-kb.ts';
import { openKnowledgeBase } from './knowledge/open-knowledge-base.ts';
import { createLanguageModel } from './llm/create-language-model.ts';
import { createSqliteAnswerCache } from './cache/answer-cache.ts';
import type { AnswerCache } from './contracts/answer-cache.ts';
import { createRedisReplicatedAnswerCache } from './cache/redis-replicated-answer-cache.ts';
import { createProactiveService } from './proactive/proactive-service.ts';
import { loadProactiveRules } from './proactive/proactive-rules.ts';
import { cachePath } from './cache/cache-commands.ts';
import { evictRatedAnswers } from './cache/evict-rated-answers.ts';
import type { LlmRouter } from './llm/router/create-llm-router.ts';
import { createLlmRouterMetrics } from './llm/router/router-metrics.ts';
import { createLogger, type Logger } from './logging/create-logger.ts';
import { createMetrics } from './metrics/create-metrics.ts';
import { createChatPipeline } from './pipeline/chat-pipeline.ts';
import { chatBodyLimit } from './multimodal/attachment.ts';
import { createImageReader } from './multimodal/ocr/image-reader.ts';
import { createTesseractPool } from './multimodal/ocr/tesseract-pool.ts';
import { createVoiceReaderFromConfig } from './multimodal/asr/create-voice-reader.ts';
import type { AttachmentReaders } from './multimodal/read-attachments.ts';
import { createSqliteRetainedFiles } from './multimodal/retained-files.ts';
import { createApp } from './server/create-app.ts';
import { ensureAdminKey } from './server/ensure-admin-key.ts';
import { ensureSessionSecret } from './sessions/session-secret.ts';
import { parseTrustedProxies } from './server/client-address.ts';
import { createSessionManager, startSweeper } from './sessions/session-manager.ts';
import { createSqliteConversationStore } from './store/sqlite/sqlite-conversation-store.ts';
import type { ConversationStore } from './contracts/conversation-store.ts';
import { createPool, createPostgresConversationStore } from './store/postgres/postgres-conversation-store.ts';
import { createPostgresTicketStore } from './tickets/postgres-ticket-store.ts';
import type { Nlu } from './contracts/nlu.ts';
import type { OrderConnector } from './contracts/order-connector.ts';
import { createDialogueManager } from './dialogue/dialogue-manager.ts';
import { createFlowCatalog } from './dialogue/flow-catalog.ts';
import { loadShopPolicy } from './dialogue/policy/shop-policy.ts';
import { createEmbeddedNlu } from './dialogue/embedded-nlu.ts';
import { extractEntities } from './dialogue/entities/extract-entities.ts';
import { compileOrderIdPattern } from './dialogue/entities/order-id-pattern.ts';
import { createLlmNlu } from './dialogue/llm-nlu.ts';
import { parseBusinessHours } from './handoff/business-hours.ts';
import { createSqliteHandoffQueue } from './handoff/sqlite-handoff-queue.ts';
import { createPostgresHandoffQueue } from './handoff/postgres-handoff-queue.ts';
import type { Hono } from 'hono';
import type { Server } from 'node:http';
import { attachAppSocket, type AppSocket } from './channels/app/app-socket-server.ts';
import { createSessionEvents } from './channels/app/session-events.ts';
import type { SessionEvents } from './contracts/session-events.ts';
import { createRedisSessionEvents } from './channels/app/redis-session-events.ts';
import type { JobQueue } from './contracts/job-queue.ts';
import type { SignedAuditCheckpoint } from './contracts/audit-log.ts';
import type { AppEnv } from './server/app-env.ts';
import type { RateLimitStore } from './contracts/rate-limit-store.ts';
import { createRedisStreamJobQueue } from './queue/redis-stream-job-queue.ts';
import { createRedisRateLimitStore } from './server/redis-rate-limit-store.ts';
import { createQueuedWecomSender } from './channels/wecom/queued-wecom-sender.ts';
import { createSqliteWecomDedupe } from './channels/wecom/sqlite-wecom-dedupe.ts';
import { createRedisWecomDedupe } from './channels/wecom/redis-wecom-dedupe.ts';
import { createWecomClient, type WecomMedia, type WecomSender } from './channels/wecom/wecom-client.ts';
import { createWecomCrypto } from './channels/wecom/wecom-crypto.ts';
import { wecomRoutes } from './channels/wecom/wecom-routes.ts';
import { KefuError } from './errors.ts';
import { generateText } from './llm/generate-text.ts';
import { POLICY, buildPrompt } from './pipeline/prompt-builder.ts';
import { createAuth } from './server/auth.ts';
import type { SuggestReply } from './server/routes/admin-routes.ts';
import { createSqliteAuditLogStore } from './audit/sqlite-audit-log-store.ts';
import { createPostgresAuditLog } from './audit/postgres-audit-log.ts';
import { clusterKey } from './config/cluster-key.ts';
import { loadAuditKeying } from './audit/load-audit-key.ts';
import { createSqliteApiKeyStore } from './server/sqlite-api-key-store.ts';
import { createPostgresApiKeyStore } from './server/postgres-api-key-store.ts';
import { createHttpOrderConnector } from './orders/create-http-order-connector.ts';
import { createDemoOrderSystem } from './orders/demo-order-system.ts';
import { createSqliteOutcomeTracker } from './outcomes/sqlite-outcome-tracker.ts';
import { createPostgresOutcomeTracker } from './outcomes/postgres-outcome-tracker.ts';
import { createPostgresKpiQueries } from './outcomes/postgres-kpi-queries.ts';
import { createSqliteKpiQueries } from './outcomes/sqlite-kpi-queries.ts';
import type { KpiQueries } from './contracts/kpi-queries.ts';
import type { OutcomeTrackerHooks } from './contracts/outcome-tracker.ts';
import { createSqliteJobQueue } from './queue/sqlite-job-queue.ts';
import { createSqliteTicketStore } from './tickets/sqlite-ticket-store.ts';
import { createTicketService } from './tickets/ticket-service.ts';
import { loadConstitution } from './safety/output-guard/constitution.ts';
import { createOutputGuard } from './safety/output-guard/output-guard.ts';
import { createInputGuard } from './safety/input-guard/input-guard.ts';
import { createPiiEngine } from './safety/pii/create-pii-engine.ts';
import { createSqlitePiiVaultStore } from './safety/pii/sqlite-pii-vault-store.ts';
import { createPostgresPiiVault } from './safety/pii/postgres-pii-vault.ts';
import { loadVaultKey } from './safety/pii/load-vault-key.ts';
import { createUserIdSealer } from './safety/pii/stored-user-id.ts';
import { withSealedUserIds } from './store/with-sealed-user-ids.ts';
import { protectDataDir } from './config/protect-data-dir.ts';
import { createSessionEraser } from './sessions/erase-session.ts';
import type { TicketKind } from './contracts/ticket-store.ts';

/**
 * The composition root: the one place where configuration picks adapters and wires them.
 * Everything else receives its dependencies.
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
  /**
   * A worker of `kefu serve --workers N` without Redis: session events, rate-limit counters and the
   * /metrics text go through the primary, so they hold for the machine (src/cluster/, docs/cluster.md).
   */
  shared?: { sessionEvents: SessionEvents; rateLimitStore: RateLimitStore<AppEnv>; metricsText: () => Promise<string> };
}

export async function createKefu(config: KefuConfig, options: CreateKefuOptions = {}) {
  const logger = options.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const warn = (details: Record<string, unknown>, message: string) => logger.warn(details, message);
  protectDataDir(config.dataDir, warn);
  const keyLocation = { dataDir: config.dataDir, keyDir: config.keyDir };
  const metrics = createMetrics();
  const now = options.now ?? Date.now;
  const businessHours = parseBusinessHours(config.businessHours, config.timeZone);

  // One node: everything in <data dir>/kefu.db. With KEFU_DATABASE_URL, conversations, messages,
  // settings, tickets, the handoff queue, outcomes and API keys live in PostgreSQL, shared by all
  // nodes (the local file is still migrated for the CLI commands that read it).
  const local = createSqliteConversationStore({ path: path.join(config.dataDir, 'kefu.db') });
  await local.migrate();
  const pgPool = config.databaseUrl === null ? null : createPool(config.databaseUrl, 10);
  let store: ConversationStore = local;
  if (pgPool !== null) {
    await local.close();
    store = createPostgresConversationStore({ pool: pgPool, logger });
    await store.migrate();
  }
  // A customer id that is personal data (a phone number, an email) is stored sealed with a key
  // derived from the vault key; sessions and order flows see the real id in memory only.
  // A cluster shares the vault (and the sealed ids), so its key comes from the environment, one for all nodes.
  const vaultKey = pgPool === null ? loadVaultKey(config.vaultKey, keyLocation, warn) : clusterKey(config.vaultKey, 'KEFU_VAULT_KEY');
  const userIds = createUserIdSealer(vaultKey);
  store = withSealedUserIds(store, userIds);
  // Every document written is scanned first: one with instructions, secrets or commitments is held for review.
  // One node: <data dir>/kb.db. Several: PostgreSQL, each node searching a replica that follows changes.
  const kb = await openKnowledgeBase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, pool: pgPool, logger });
  if (options.importKb !== false && config.kbPaths.length > 0) {
    const result = await importKnowledge(kb, config.kbPaths);
    logger.info({ ...result, paths: config.kbPaths }, 'knowledge base ready');
  }

  if (config.llmNote !== null) logger.warn(config.llmNote);
  const routerMetrics = createLlmRouterMetrics(metrics.registry);
  const model: LanguageModel | null = options.model !== undefined ? options.model : createLanguageModel({
    onRouterEvent: routerMetrics.onEvent,
    llm: config.llm,
    ...(config.modelPath === null ? {} : { modelPath: config.modelPath }),
    ...(config.loraPath === null ? {} : { loraPath: config.loraPath }),
    ...(config.llmThreads === null ? {} : { threads: config.llmThreads }),
    baseURLs: config.llmBaseURLs,
    ...(config.llmModel === null ? {} : { model: config.llmModel }),
    ...(config.llmApiKey === null ? {} : { apiKey: config.llmApiKey }),
    latencyBudgetMs: config.llmLatencyBudgetMs,
  });
  if (model !== null && 'status' in model) routerMetrics.watch(model as LanguageModel & Pick<LlmRouter, 'status'>);
  // Loading starts now; /readyz reports when it is done and chat waits for it.
  const modelReady = model?.ready() ?? Promise.resolve();
  modelReady.catch((err: unknown) => logger.error({ err }, 'language model failed to load'));

  // A cached answer is checked against the hashes the knowledge base holds for its documents.
  const docHashes = { currentDocHash: (docId: string) => kb.docHash(docId) };
  // One node: the cache file in the data dir. Several nodes: the entries in Redis, each node
  // serving lookups from its own in-memory replica of them.
  const cacheOptions = { currentDocHash: docHashes.currentDocHash, ttlMs: config.cache.ttlMs };
  const sharedCache = config.cache.enabled && config.redisUrl !== null ? await createRedisReplicatedAnswerCache({ url: config.redisUrl, logger, ...cacheOptions }) : null;
  const cache: AnswerCache | null = sharedCache ?? (config.cache.enabled ? createSqliteAnswerCache({ path: cachePath(config.dataDir), ...cacheOptions }) : null);
  const sessions = createSessionManager({ store, ttlMs: config.sessionTtlMs, historyLimit: 20, now });
  const stopSweeper = startSweeper(sessions, 60_000, { onError: (err) => logger.error({ err }, 'session sweep failed') });
  const admin = await ensureAdminKey(store, config.adminKey);
  const sessionSecret = await ensureSessionSecret(store, config.sessionSecret);

  const demoOrders = config.ordersUrl === null ? createDemoOrderSystem({ path: path.join(config.dataDir, 'demo-orders.db'), now }) : null;
  const orders: OrderConnector = demoOrders ?? createHttpOrderConnector({ baseUrl: config.ordersUrl! });

  // One node: the embedded SQLite queue. Several nodes: Redis Streams, shared by all of them.
  const queue: JobQueue = config.redisUrl === null ? createSqliteJobQueue({ path: path.join(config.dataDir, 'queue.db'), logger, leaseMs: config.queueLeaseMs }) : createRedisStreamJobQueue({ url: config.redisUrl, logger, leaseMs: config.queueLeaseMs });
  const rateLimitStore: RateLimitStore<AppEnv> | null = config.redisUrl === null ? (options.shared?.rateLimitStore ?? null) : createRedisRateLimitStore<AppEnv>({ url: config.redisUrl, logger });
  const trustedProxies = config.trustedProxies.length === 0 ? null : parseTrustedProxies(config.trustedProxies);
  const tickets = createTicketService({
    queue,
    store: pgPool === null ? createSqliteTicketStore({ path: path.join(config.dataDir, 'queue.db') }) : createPostgresTicketStore({ pool: pgPool }),
    ...(config.ticketsWebhookUrl === null ? {} : { webhookUrl: config.ticketsWebhookUrl }),
    // The queued job and the stored ticket hold a personal customer id sealed; the helpdesk gets it opened.
    userIds,
    logger,
    now,
  });
  const stopTicketWorker = tickets.startWorker();

  const localDb = path.join(config.dataDir, 'kefu.db');
  const handoffs = pgPool === null ? createSqliteHandoffQueue({ path: localDb, now }) : createPostgresHandoffQueue({ pool: pgPool, now });
  const keys = pgPool === null ? createSqliteApiKeyStore({ path: localDb, now }) : createPostgresApiKeyStore({ pool: pgPool, now });
  const outcomeHooks: OutcomeTrackerHooks = {
    now,
    // Fired on the node that closed the conversation: each one is counted once in the cluster.
    onClosed: (c) => {
      metrics.conversations.inc({ outcome: c.outcome, intent: c.intent });
      metrics.conversationDuration.observe({ outcome: c.outcome }, c.durationMs / 1000);
    },
    onRating: (score, sessionId) => {
      metrics.csat.observe(score);
      // A low rating says the session's answers did not help: they leave the answer cache.
      if (cache !== null) void evictRatedAnswers(cache, store, sessionId, score).catch((err: unknown) => logger.warn({ err }, 'evicting the cached answers of a low-rated session failed'));
    },
  };
  const outcomes = pgPool === null ? createSqliteOutcomeTracker({ path: localDb, ...outcomeHooks }) : createPostgresOutcomeTracker({ pool: pgPool, ...outcomeHooks });
  // Read-only over kefu.db (opened on first use) on one node; the shared database otherwise.
  const kpis: KpiQueries = pgPool === null ? createSqliteKpiQueries({ path: localDb }) : createPostgresKpiQueries({ pool: pgPool });
  const closeIdle = async (): Promise<void> => {
    try {
      await outcomes.closeIdle(config.conversationIdleMs);
    } catch (err) {
      logger.error({ err }, 'closing idle conversations failed');
    }
  };
  const outcomeTimer = setInterval(() => void closeIdle(), Math.min(60_000, config.conversationIdleMs));
  outcomeTimer.unref();
  // A rating comment goes with its transcript, which the session sweep deletes after the TTL;
  // hourly, as the vault purge, since each run looks at every conversation's outcome row.
  const eraseOldComments = () => void outcomes.eraseComments({ idleBefore: now() - config.sessionTtlMs }).catch((err: unknown) => logger.error({ err }, 'erasing rating comments past the session TTL failed'));
  const commentTimer = setInterval(eraseOldComments, 3_600_000);
  commentTimer.unref();

  const orderIdPattern = config.orderIdPattern === null ? undefined : compileOrderIdPattern(config.orderIdPattern);
  const embeddedNlu = createEmbeddedNlu({ extractEntities: orderIdPattern === undefined ? extractEntities : (text, options) => extractEntities(text, { ...options, orderIdPattern }) });
  const nlu: Nlu = config.nlu === 'llm' && model !== null
    ? createLlmNlu({ model, fallback: embeddedNlu, onFallback: (reason) => logger.warn({ reason }, 'LLM NLU failed, embedded NLU used') })
    : embeddedNlu;
  // The after-sales policy is read once at start; a bad file stops startup with the field named.
  const dialogue = createDialogueManager({ angerHandoff: 0.85, flows: createFlowCatalog(loadShopPolicy(config.shopPolicyPath ?? undefined)) });
  // Keyed with a key outside the data dir; a signed checkpoint goes to the log now and then, for
  // an operator who ships logs elsewhere to compare with (`kefu audit verify --checkpoint`).
  // One node: <data dir>/audit.db and its head file. A cluster: one chain in PostgreSQL that every
  // node appends to, keyed with KEFU_AUDIT_KEY (the same on all nodes), so any node verifies all.
  const auditCheckpoints = { everyEntries: config.auditCheckpoint.entries, everyMs: config.auditCheckpoint.ms, emit: (checkpoint: SignedAuditCheckpoint) => logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint') };
  const audit = pgPool === null
    ? createSqliteAuditLogStore({ path: path.join(config.dataDir, 'audit.db'), now, headFileDelayMs: config.auditHeadFlushMs, ...loadAuditKeying(config.auditKey, keyLocation, true, warn), checkpoints: auditCheckpoints })
    : await createPostgresAuditLog({ pool: pgPool, key: clusterKey(config.auditKey, 'KEFU_AUDIT_KEY'), now, checkpoints: auditCheckpoints });
  const pruneAudit = async () => {
    if (config.auditRetentionDays === null) return;
    try {
      const pruned = await audit.prune(config.auditRetentionDays * 86_400_000);
      if (pruned.removed > 0) logger.info({ removed: pruned.removed, checkpoint: pruned.checkpoint }, 'audit log pruned to the retention period');
    } catch (err) {
      logger.error({ err }, 'audit prune failed (the log may have been tampered with: run kefu audit verify)');
    }
  };
  await pruneAudit();
  const auditTimer = setInterval(() => void pruneAudit(), 6 * 3_600_000);
  auditTimer.unref();
  const piiEngine = createPiiEngine({ onBudgetExceeded: (info) => logger.warn(info, 'PII scan budget exceeded: later recognizers skipped, what was found is masked') });
  // One node: <data dir>/pii-vault.db. A cluster: PostgreSQL, so a pseudonym made on one node is revealed on another.
  const vault = pgPool === null ? createSqlitePiiVaultStore({ path: path.join(config.dataDir, 'pii-vault.db'), key: vaultKey }) : await createPostgresPiiVault({ pool: pgPool, key: vaultKey, now });
  const purgeVault = () => {
    vault.purgeOlderThan(now() - 2 * config.sessionTtlMs).catch((err: unknown) => logger.error({ err }, 'PII vault purge failed'));
  };
  const vaultTimer = setInterval(purgeVault, 3_600_000);
  vaultTimer.unref();
  // Pictures sent with a message are read by Tesseract and kept (encrypted with a key from the
  // vault key) only with KEFU_IMAGE_RETENTION=on, and only as long as their session.
  const retainedFiles = config.images.retain ? createSqliteRetainedFiles({ path: path.join(config.dataDir, 'retained-files.db'), key: vaultKey, now }) : null;
  const purgeFiles = () => {
    retainedFiles?.purgeGone(async (id) => (await store.getConversation(id)) !== null).catch((err: unknown) => logger.error({ err }, 'retained files purge failed'));
  };
  const filesTimer = setInterval(purgeFiles, 60_000);
  filesTimer.unref();
  const tesseract = createTesseractPool({ concurrency: config.images.ocrConcurrency, timeoutMs: config.images.ocrTimeoutMs, languages: config.images.ocrLanguages });
  /** Readers of what a chat turn may carry besides text (docs/multimodal.md). */
  const attachmentReaders: AttachmentReaders = {
    image: createImageReader({ pool: tesseract, metrics, limits: { maxBytes: config.images.maxBytes, maxPixels: config.images.maxPixels } }),
    // Voice messages: KEFU_ASR_BASE_URL's server, else the embedded English recognizer (pocketsphinx).
    audio: createVoiceReaderFromConfig(config.voice, metrics),
  };
  const eraseSession = createSessionEraser({
    store,
    outcomes,
    vault: {
      async purgeSession(sessionId) {
        await vault.purgeSession(sessionId);
        retainedFiles?.purgeSession(sessionId);
      },
    },
  });
  const outputGuard = createOutputGuard({ principles: loadConstitution(config.constitutionPath ?? undefined), findPii: (text) => piiEngine.analyze(text) });
  if (config.userIdSecret === null) logger.info('user ids on /v1/chat are trusted as sent (KEFU_USER_ID_SECRET unset): fine for the demo, set it before real customers use order flows');

  const pipeline = createChatPipeline({
    sessions,
    kb,
    model,
    metrics,
    logger,
    nlu,
    dialogue,
    orders,
    handoffs,
    outcomes,
    tickets: {
      async request(t) {
        await tickets.requestTicket({ kind: t.kind as TicketKind, sessionId: t.sessionId, userId: t.userId, summary: t.summary, idempotencyKey: t.idempotencyKey });
      },
    },
    businessHours,
    outputGuard,
    inputGuard: createInputGuard(),
    cache,
    currentDocHash: docHashes.currentDocHash,
    audit,
    pii: { engine: piiEngine, vault },
    retainedFiles,
    timeZone: config.timeZone,
    now,
    options: {
      historyTokens: config.historyTokens,
      maxTokens: config.maxTokens,
      minPassageConfidence: CONFIDENT_PASSAGE,
      topK: 3,
      minSentenceSupport: 0.5,
    },
  });

  // WeCom: replies slower than WeCom's window go out through its API via the job queue.
  let wecom: Hono | null = null;
  let stopWecom = async () => {};
  // A delivery WeCom retries may reach another node: with Redis, every node dedupes together.
  const dedupeTtlMs = Math.max(3_600_000, 2 * config.wecomTimestampWindowMs);
  const wecomDedupe = config.wecom === null ? null : config.redisUrl === null ? createSqliteWecomDedupe({ path: path.join(config.dataDir, 'wecom.db'), ttlMs: dedupeTtlMs }) : createRedisWecomDedupe({ url: config.redisUrl, ttlMs: dedupeTtlMs, logger });
  if (config.wecom !== null && wecomDedupe !== null) {
    const w = config.wecom;
    let client: WecomSender;
    /** Members' pictures are fetched through the same API client (media/get). */
    let media: WecomMedia | undefined;
    if (w.secret !== null && w.agentId !== null) {
      const api = createWecomClient({ corpId: w.corpId, secret: w.secret, agentId: w.agentId, ...(w.apiBase === null ? {} : { baseUrl: w.apiBase }) });
      media = api;
      // A member named by phone number is queued with the UserID sealed, like a ticket's customer.
      const sender = createQueuedWecomSender({ queue, client: api, userIds });
      stopWecom = sender.start();
      client = sender;
    } else {
      logger.warn('KEFU_WECOM_SECRET / KEFU_WECOM_AGENT_ID unset: WeCom replies slower than 4 s cannot be delivered');
      client = {
        sendText: async () => {
          throw new KefuError('wecom_not_configured', 'set KEFU_WECOM_SECRET and KEFU_WECOM_AGENT_ID');
        },
      };
    }
    wecom = wecomRoutes({ crypto: createWecomCrypto({ token: w.token, encodingAesKey: w.encodingAesKey, corpId: w.corpId }), pipeline, client, dedupe: wecomDedupe, logger, timestampWindowMs: config.wecomTimestampWindowMs, maxMessageChars: config.maxMessageChars, sessionSecret, ...(media === undefined ? {} : { media }), attachments: attachmentReaders, maxImageBytes: config.images.maxBytes, maxAudioBytes: config.voice.maxBytes });
  }

  const redisEvents = config.redisUrl === null ? null : createRedisSessionEvents({ url: config.redisUrl, logger });
  const sessionEvents: SessionEvents = redisEvents ?? options.shared?.sessionEvents ?? createSessionEvents();
  const proactive = createProactiveService({ path: path.join(config.dataDir, 'proactive.db'), rules: loadProactiveRules(config.proactiveRulesPath ?? undefined), now, timeZone: config.timeZone });
  const app = createApp({
    pipeline,
    kb,
    store,
    metrics,
    logger,
    adminKeyHash: admin.hash,
    keys,
    audit,
    piiEngine,
    wecom,
    proactive,
    sessionEvents,
    ...(rateLimitStore === null ? {} : { rateLimitStore }),
    ...(options.shared === undefined ? {} : { metricsText: options.shared.metricsText }),
    dataDir: config.dataDir,
    kbPaths: config.kbPaths,
    ...(model === null
      ? {}
      : {
          // A draft for the agent to edit: the model's answer from the same passages, unless the
          // output guard would stop it.
          suggest: async ({ message, passages, history, lang, signal }: Parameters<SuggestReply>[0]) => {
            const text = (await generateText(model, { messages: buildPrompt({ userMessage: message, passages, history, lang, historyTokenBudget: config.historyTokens }), maxTokens: config.maxTokens, ...(signal === undefined ? {} : { signal }) })).text;
            const trusted = passages.map((p) => `${p.title} ${p.text}`).join('\n');
            return outputGuard.check(text, { trusted, given: message, systemPrompts: [POLICY.zh, POLICY.en] }).length === 0 ? text : null;
          },
        }),
    corsOrigins: config.corsOrigins,
    handoffs,
    sessions,
    outcomes,
    eraseSession,
    kpis,
    tickets,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'model', check: () => modelReady },
    ],
    userIdSecret: config.userIdSecret,
    sessionSecret,
    trustedProxies,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      maxMessageChars: config.maxMessageChars,
      ratePerMinute: config.rateLimitPerMinute,
      chat: { maxBodyBytes: chatBodyLimit(config.maxBodyBytes, config.images.maxBytes, config.voice.maxBytes), note: `a picture may be at most ${config.images.maxBytes} bytes, a recording ${config.voice.maxBytes}` },
    },
    attachments: attachmentReaders,
    retainedFiles,
  });

  // Files the stores created above get owner-only modes too (their -wal and -shm follow).
  protectDataDir(config.dataDir, warn);
  const { identify } = createAuth({ adminKeyHash: admin.hash, keys });
  const chatBodyBytes = chatBodyLimit(config.maxBodyBytes, config.images.maxBytes, config.voice.maxBytes);

  return {
    app,
    pipeline,
    kb,
    store,
    model,
    metrics,
    logger,
    orders,
    tickets,
    handoffs,
    keys,
    audit,
    outcomes,
    kpis,
    queue,
    sessionEvents,
    identify,
    generatedAdminKey: admin.generated,
    sessions,
    /** Shared with the app socket's session limit: Redis in multi-node mode, null for in-process counters. */
    rateLimitStore,
    /** The app channel (WebSocket, /v1/ws) on the HTTP server that serves `app`, wired like the rest. */
    attachAppSocket: (server: Server): AppSocket =>
      attachAppSocket(server, {
        pipeline,
        store,
        sessions,
        identify,
        logger,
        metrics,
        maxMessageChars: config.maxMessageChars,
        // A message frame may carry a picture or a recording (base64), as a /v1/chat body may.
        maxPayloadBytes: chatBodyBytes,
        attachments: attachmentReaders,
        ratePerMinute: config.rateLimitPerMinute,
        userIdSecret: config.userIdSecret,
        trustedProxies,
        ...(rateLimitStore === null ? {} : { sessionLimitStore: rateLimitStore }),
        events: sessionEvents,
      }),
    trustedProxies,
    /** Readers of pictures (and recordings) sent with a turn, for the app socket as for /v1/chat. */
    attachments: attachmentReaders,
    /** The largest chat turn with attachments (bytes): the app socket's frame limit too. */
    chatBodyBytes,
    /** Closes conversations idle past KEFU_CONVERSATION_IDLE_MINUTES now (the timer does it every minute). */
    closeIdleConversations: closeIdle,
    async close() {
      stopSweeper();
      clearInterval(outcomeTimer);
      clearInterval(commentTimer);
      await stopWecom();
      await stopTicketWorker();
      await queue.close();
      await redisEvents?.close();
      await rateLimitStore?.close();
      await wecomDedupe?.close();
      await handoffs.shutdown();
      await keys.close();
      clearInterval(auditTimer);
      await audit.close();
      clearInterval(vaultTimer);
      await vault.close();
      clearInterval(filesTimer);
      retainedFiles?.close();
      await outcomes.shutdown();
      await kpis.close();
      await demoOrders?.close();
      await model?.close();
      if (sharedCache !== null) await sharedCache.quit();
      else cache?.close();
      proactive.close();
      await kb.close();
      await store.close();
      await pgPool?.end();
    },
  };
}

export type Kefu = Awaited<ReturnType<typeof createKefu>>;
