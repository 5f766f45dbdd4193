import { createSqliteAnswerCache } from '../cache/answer-cache.ts';
import { cachePath } from '../cache/cache-commands.ts';
import { createRedisReplicatedAnswerCache } from '../cache/redis-replicated-answer-cache.ts';
import type { AnswerCache } from '../contracts/answer-cache.ts';
import type { KbReview, KnowledgeBase } from '../contracts/knowledge-base.ts';
import type { LanguageModel } from '../contracts/language-model.ts';
import { HybridKnowledgeBase } from '../knowledge/hybrid/hybrid-knowledge-base.ts';
import { createHybridMetrics } from '../knowledge/hybrid/hybrid-metrics.ts';
import { withVectors } from '../knowledge/hybrid/with-vectors.ts';
import { importKnowledge } from '../knowledge/import-kb.ts';
import type { EmbeddingModel } from '../contracts/embedding-model.ts';
import { openKnowledgeBase } from '../knowledge/open-knowledge-base.ts';
import { createLanguageModel } from '../llm/create-language-model.ts';
import type { LlmRouter } from '../llm/router/create-llm-router.ts';
import { createLlmRouterMetrics } from '../llm/router/router-metrics.ts';
import type pg from 'pg';
import type { RootContext } from './root-context.ts';

/**
 * Every document written is scanned first: one with instructions, secrets or commitments is held
 * for review. One node: <data dir>/kb.db. Several: PostgreSQL, each node searching a replica that
 * follows changes. KEFU_KB is imported at start unless `importKb` is false.
 */
export async function openKb(ctx: RootContext, pgPool: pg.Pool | null, importKb: boolean, injectedEmbeddings?: EmbeddingModel): Promise<KnowledgeBase & KbReview> {
  const { config, logger } = ctx;
  const bm25 = await openKnowledgeBase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, pool: pgPool, logger });
  let hybrid: HybridKnowledgeBase | null = null;
  if (config.embedding !== null) {
    const onEmbed = createHybridMetrics(ctx.metrics.registry, () => hybrid);
    hybrid = withVectors(bm25, config, Object.assign({ logger, onEmbed }, injectedEmbeddings === undefined ? {} : { model: injectedEmbeddings }));
  }
  const kb = hybrid ?? bm25;
  ctx.closing.defer(() => kb.close());
  if (importKb && config.kbPaths.length > 0) {
    const result = await importKnowledge(kb, config.kbPaths);
    logger.info({ ...result, paths: config.kbPaths }, 'knowledge base ready');
  }
  // The chunks are embedded in the background from now on; until then BM25 answers alone.
  hybrid?.warm().catch((err: unknown) => logger.warn({ err }, 'knowledge vectors: reading the chunks failed'));
  return kb;
}

/** The model KEFU_LLM names (or the one a test injects; null: retrieval only), loading from now on. */
export function openLanguageModel(ctx: RootContext, injected: LanguageModel | null | undefined): { model: LanguageModel | null; modelReady: Promise<void> } {
  const { config, logger } = ctx;
  if (config.llmNote !== null) logger.warn(config.llmNote);
  const routerMetrics = createLlmRouterMetrics(ctx.metrics.registry);
  const model: LanguageModel | null = injected !== undefined ? injected : createLanguageModel({
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
  if (model !== null) ctx.closing.defer(() => model.close());
  if (model !== null && 'status' in model) routerMetrics.watch(model as LanguageModel & Pick<LlmRouter, 'status'>);
  // Loading starts now; /readyz reports when it is done and chat waits for it.
  const loadStart = performance.now();
  const modelReady = model?.ready() ?? Promise.resolve();
  // Listening comes first: a turn sent before this line waits for the model (the first reply after `npm start`).
  modelReady.then(
    () => model !== null && logger.info({ llm: model.id, ms: Math.round(performance.now() - loadStart) }, 'language model ready'),
    (err: unknown) => logger.error({ err }, 'language model failed to load'),
  );
  return { model, modelReady };
}

/**
 * A cached answer is checked against the hashes the knowledge base holds for its documents. One
 * node: the cache file in the data dir. Several nodes: the entries in Redis, each node serving
 * lookups from its own in-memory replica of them. Null with the cache off.
 */
export async function openAnswerCache(ctx: RootContext, kb: KnowledgeBase): Promise<AnswerCache | null> {
  const { config, logger } = ctx;
  if (!config.cache.enabled) return null;
  const cacheOptions = { currentDocHash: (docId: string) => kb.docHash(docId), ttlMs: config.cache.ttlMs };
  if (config.redisUrl !== null) {
    const shared = await createRedisReplicatedAnswerCache({ url: config.redisUrl, logger, ...cacheOptions });
    ctx.closing.defer(() => shared.quit());
    return shared;
  }
  const cache = createSqliteAnswerCache({ path: cachePath(config.dataDir), ...cacheOptions });
  ctx.closing.defer(() => cache.close());
  return cache;
}
