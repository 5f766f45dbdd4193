import type { KefuConfig } from '../config/load-config.ts';
import { createLogger } from '../logging/create-logger.ts';
import type { AppEnv } from '../server/app-env.ts';
import { startServer } from '../server/start-server.ts';
import { clusterMetricsText, reportMetrics } from './cluster-metrics.ts';
import { createClusterRateLimitStore } from './cluster-rate-limit-store.ts';
import { createClusterSessionEvents } from './cluster-session-events.ts';
import { createIpcEmbeddings } from './ipc-embeddings.ts';
import { createIpcLanguageModel } from './ipc-language-model.ts';
import { createWorkerBus } from './worker-bus.ts';

/** Set by the primary in a worker's environment (src/cluster/run-primary.ts). */
export const WORKER_ENV = {
  /** '1' for the first worker: it imports the knowledge base; the others find it imported. */
  importKb: 'KEFU_CLUSTER_IMPORT_KB',
  /** The id of the model the primary hosts; unset when the workers call a model server themselves. */
  hostedModel: 'KEFU_CLUSTER_MODEL_ID',
  /** The id of the embedding model the primary hosts (KEFU_EMBEDDING_MODEL_PATH); unset otherwise. */
  hostedEmbedding: 'KEFU_CLUSTER_EMBEDDING_ID',
} as const;

/**
 * One HTTP worker of `kefu serve --workers N`: the whole server on the shared port, with what
 * must hold for the machine (session events, rate limits, /metrics, the embedded model) reached
 * through the primary. Tells the primary when it listens; stops on SIGTERM/SIGINT or when the
 * primary is gone.
 */
export async function runWorker(config: KefuConfig): Promise<void> {
  const bus = createWorkerBus();
  const logger = createLogger(config.logLevel);
  const hosted = process.env[WORKER_ENV.hostedModel];
  const hostedEmbedding = process.env[WORKER_ENV.hostedEmbedding];
  // With KEFU_REDIS_URL, events and rate limits go through Redis instead (createKefu picks it).
  const shared = { sessionEvents: createClusterSessionEvents(bus), rateLimitStore: createClusterRateLimitStore<AppEnv>(bus), metricsText: clusterMetricsText(bus) };
  const server = await startServer(config, {
    logger,
    importKb: process.env[WORKER_ENV.importKb] === '1',
    ...(hosted === undefined || hosted === '' ? {} : { model: createIpcLanguageModel(bus, hosted) }),
    ...(hostedEmbedding === undefined || hostedEmbedding === '' ? {} : { embeddingModel: createIpcEmbeddings(bus, hostedEmbedding) }),
    shared,
  });
  reportMetrics(bus, server.kefu.metrics.registry);
  if (server.kefu.generatedAdminKey !== null) {
    process.stderr.write(
      `\nGenerated admin API key (shown once, only its hash is stored in ${config.dataDir}):\n  ${server.kefu.generatedAdminKey}\n` +
        'Set KEFU_ADMIN_KEY to choose your own.\n\n',
    );
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close().catch((err: unknown) => logger.error({ err }, 'worker shutdown failed'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  bus.send('worker.ready', { url: server.url, model: server.kefu.model?.id ?? null });
}
