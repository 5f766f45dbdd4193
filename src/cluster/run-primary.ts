import cluster, { type Worker } from 'node:cluster';
import type { KefuConfig } from '../config/load-config.ts';
import { createEmbeddedEmbeddings } from '../llm/embedded-embeddings.ts';
import { createLogger, type Logger } from '../logging/create-logger.ts';
import { serveClusterMetrics } from './cluster-metrics.ts';
import { serveRateLimits } from './cluster-rate-limit-store.ts';
import { relaySessionEvents } from './cluster-session-events.ts';
import { hostedModelFor } from './hosted-model.ts';
import { hostModel } from './model-host.ts';
import { hostEmbeddings } from './embedding-host.ts';
import { createPrimaryBus } from './primary-bus.ts';
import { WORKER_ENV } from './run-worker.ts';

/** More restarts than this within RESTART_WINDOW_MS is a crash loop: the primary gives up. */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;
const STOP_GRACE_MS = 10_000;

interface Ready {
  url: string;
  model: string | null;
}

/**
 * The primary of `kefu serve --workers N` (Node's cluster module): it serves no HTTP itself. It
 * starts one worker first, alone, so first-start work (migrations, the vault, audit and session
 * keys, the admin key, the knowledge-base import) happens once without a race, then the others;
 * relays session events, keeps the rate-limit counters, sums /metrics, hosts the embedded model;
 * restarts a worker that dies (logged) and stops them all on SIGTERM/SIGINT.
 */
export async function runPrimary(config: KefuConfig, count: number): Promise<void> {
  const logger = createLogger(config.logLevel);
  const bus = createPrimaryBus();
  relaySessionEvents(bus);
  const stopRateLimits = serveRateLimits(bus);
  const listening = new Set<Worker>();
  serveClusterMetrics(bus, () => [...listening]);
  const model = hostedModelFor(config);
  const host = model === null ? null : hostModel(bus, model, (err) => logger.error({ err }, 'language model failed to load'));
  const waiting = new Map<number, (ready: Ready) => void>();
  let allListening = (): void => undefined;
  bus.on('worker.ready', (body, worker) => {
    listening.add(worker);
    waiting.get(worker.id)?.(body as Ready);
    if (listening.size >= count) allListening();
  });
  // An embedded embedding model, like the embedded language model, is loaded once for the machine.
  const embedder = config.embedding?.kind === 'embedded' ? createEmbeddedEmbeddings({ modelPath: config.embedding.modelPath }) : null;
  if (embedder !== null) hostEmbeddings(bus, embedder);
  const env = { [WORKER_ENV.hostedModel]: model?.id ?? '', [WORKER_ENV.hostedEmbedding]: embedder?.id ?? '' };
  const start = (importKb: boolean): { worker: Worker; ready: Promise<Ready> } => {
    const worker = cluster.fork({ ...env, [WORKER_ENV.importKb]: importKb ? '1' : '0' });
    const ready = new Promise<Ready>((resolve, reject) => {
      waiting.set(worker.id, resolve);
      worker.once('exit', (code, signal) => reject(new Error(`worker ${worker.id} exited (${signal ?? code}) before it listened`)));
    });
    ready.catch(() => undefined).finally(() => waiting.delete(worker.id));
    return { worker, ready };
  };
  // The first worker's first-start work failing fails the start. From the moment it listens, the
  // node serves, so every worker is supervised from then on: one that dies while the others are
  // still starting (seconds on a loaded machine) is replaced too, and the start waits for its
  // replacement instead of reporting workers that are not there.
  const first = await start(true).ready;
  superviseWorkers({ logger, start: () => void start(false).ready.catch(() => undefined), onExit: (w) => {
    listening.delete(w);
    host?.forget(w);
  } }, async () => {
    stopRateLimits();
    await model?.close();
    await embedder?.close();
  });
  const started = new Promise<void>((resolve) => (allListening = resolve));
  for (let i = 1; i < count; i++) void start(false).ready.catch(() => undefined);
  if (listening.size >= count) allListening();
  await started;
  process.stderr.write(`Kefu is listening on ${first.url} (LLM: ${first.model ?? 'retrieval-only'}, ${count} workers)\n`);
  logger.info({ url: first.url, workers: count, llm: first.model ?? 'none' }, 'kefu listening');
}

interface Supervision {
  logger: Logger;
  start(): void;
  onExit(worker: Worker): void;
}

/**
 * A worker that dies (a crash, SIGKILL, out of memory) is replaced; one that exits 0 was told to
 * stop. SIGTERM/SIGINT stop every worker (each closes its server and stores), then the primary.
 */
function superviseWorkers(s: Supervision, closePrimary: () => Promise<void>): void {
  let stopping = false;
  const restarts: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    s.onExit(worker);
    if (stopping || (code === 0 && signal === null)) return;
    const at = Date.now();
    while (restarts.length > 0 && at - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      s.logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, `worker died; ${MAX_RESTARTS} restarts within a minute, stopping`);
      void stop(1);
      return;
    }
    restarts.push(at);
    s.logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'worker died; starting a new one');
    s.start();
  });
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(workers.map((w) => stopWorker(w)));
    await closePrimary().catch((err: unknown) => s.logger.error({ err }, 'closing the hosted model failed'));
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
}

function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}
