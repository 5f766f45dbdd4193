import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { KefuConfig } from './config/load-config.ts';
import type { LanguageModel } from './contracts/language-model.ts';
import { CONFIDENT_PASSAGE } from './knowledge/confidence.ts';
import { importKnowledge } from './knowledge/import-kb.ts';
import { createSqliteKnowledgeBase } from './knowledge/sqlite-knowledge-base.ts';
import { createLanguageModel } from './llm/create-language-model.ts';
import { createLogger, type Logger } from './logging/create-logger.ts';
import { createMetrics } from './metrics/create-metrics.ts';
import { createChatPipeline } from './pipeline/chat-pipeline.ts';
import { createApp } from './server/create-app.ts';
import { ensureAdminKey } from './server/ensure-admin-key.ts';
import { createSessionManager, startSweeper } from './sessions/session-manager.ts';
import { createSqliteConversationStore } from './store/sqlite/sqlite-conversation-store.ts';

/**
 * The composition root: the one place where configuration picks adapters and wires them.
 * Everything else receives its dependencies.
 */
export async function createKefu(config: KefuConfig, options: { logger?: Logger; importKb?: boolean } = {}) {
  const logger = options.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const metrics = createMetrics();

  const store = createSqliteConversationStore({ path: path.join(config.dataDir, 'kefu.db') });
  await store.migrate();
  const kb = createSqliteKnowledgeBase({ path: path.join(config.dataDir, 'kb.db') });
  if (options.importKb !== false && config.kbPaths.length > 0) {
    const result = await importKnowledge(kb, config.kbPaths);
    logger.info({ ...result, paths: config.kbPaths }, 'knowledge base ready');
  }

  if (config.llmNote !== null) logger.warn(config.llmNote);
  const model: LanguageModel | null = createLanguageModel({
    llm: config.llm,
    ...(config.modelPath === null ? {} : { modelPath: config.modelPath }),
    ...(config.loraPath === null ? {} : { loraPath: config.loraPath }),
    ...(config.llmThreads === null ? {} : { threads: config.llmThreads }),
    baseURLs: config.llmBaseURLs,
    ...(config.llmModel === null ? {} : { model: config.llmModel }),
    ...(config.llmApiKey === null ? {} : { apiKey: config.llmApiKey }),
  });
  // Loading starts now; /readyz reports when it is done and chat waits for it.
  const modelReady = model?.ready() ?? Promise.resolve();
  modelReady.catch((err: unknown) => logger.error({ err }, 'language model failed to load'));

  const sessions = createSessionManager({ store, ttlMs: config.sessionTtlMs, historyLimit: 20 });
  const stopSweeper = startSweeper(sessions, 60_000, { onError: (err) => logger.error({ err }, 'session sweep failed') });
  const admin = await ensureAdminKey(store, config.adminKey);

  const pipeline = createChatPipeline({
    sessions,
    kb,
    model,
    metrics,
    logger,
    options: {
      historyTokens: config.historyTokens,
      maxTokens: config.maxTokens,
      minPassageConfidence: CONFIDENT_PASSAGE,
      topK: 3,
      minSentenceSupport: 0.5,
    },
  });

  const app = createApp({
    pipeline,
    kb,
    store,
    metrics,
    logger,
    adminKeyHash: admin.hash,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'model', check: () => modelReady },
    ],
    limits: { maxBodyBytes: config.maxBodyBytes, maxMessageChars: config.maxMessageChars, ratePerMinute: config.rateLimitPerMinute },
  });

  return {
    app,
    pipeline,
    kb,
    store,
    model,
    metrics,
    logger,
    generatedAdminKey: admin.generated,
    async close() {
      stopSweeper();
      await model?.close();
      await kb.close();
      await store.close();
    },
  };
}

export type Kefu = Awaited<ReturnType<typeof createKefu>>;
