import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { PrimaryBus } from './primary-bus.ts';
import type { WorkerBus } from './worker-bus.ts';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
const COLLECT_TIMEOUT_MS = 2000;

/**
 * /metrics under `--workers N`: whichever worker answers asks the primary, which collects every
 * listening worker's registry and sums them with prom-client's AggregatorRegistry (gauges as its
 * aggregators say), so a scrape reports the machine, not the one worker it reached.
 */
export function clusterMetricsText(bus: WorkerBus): () => Promise<string> {
  return () => bus.request<string>('metrics', null);
}

/** A worker's registry, as the primary collects it (called once the worker's metrics exist). */
export function reportMetrics(bus: WorkerBus, registry: Registry): void {
  bus.on('metrics.collect', (body) => {
    void registry.getMetricsAsJSON().then((metrics) => bus.send('metrics.json', { req: (body as { req: number }).req, metrics }));
  });
}

/** `listening()`: the workers that have a registry to report (a starting one would time out). */
export function serveClusterMetrics(bus: PrimaryBus, listening: () => Worker[]): void {
  let nextReq = 1;
  const pending = new Map<number, (metrics: MetricsJson) => void>();
  bus.on('metrics.json', (body) => {
    const { req, metrics } = body as { req: number; metrics: MetricsJson };
    pending.get(req)?.(metrics);
  });
  bus.handle('metrics', async () => {
    const req = nextReq++;
    const workers = listening();
    const collected: MetricsJson[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, COLLECT_TIMEOUT_MS);
      pending.set(req, (metrics) => {
        collected.push(metrics);
        if (collected.length < workers.length) return;
        clearTimeout(timer);
        resolve();
      });
      for (const w of workers) bus.sendTo(w, 'metrics.collect', { req });
    });
    pending.delete(req);
    // A worker that did not answer in time (busy, dying) is left out of this scrape, not all of it.
    return AggregatorRegistry.aggregate(collected).metrics();
  });
}
