import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HybridKnowledgeBase } from './hybrid-knowledge-base.ts';

export type EmbedKind = 'chunks' | 'question';

/** Pass as the hybrid knowledge base's `onEmbed`. */
export type EmbedObserver = (kind: EmbedKind, outcome: 'ok' | 'error', seconds: number) => void;

/**
 * Hybrid retrieval's Prometheus metrics: `kefu_embedding_requests_total{kind,outcome}`,
 * `kefu_embedding_request_duration_seconds{kind}`, and the gauges `kefu_knowledge_chunks` and
 * `kefu_knowledge_chunks_embedded` (a gap between them: chunks that BM25 alone finds, e.g. while the
 * embedding server is down). The gauges take the largest value across workers: each worker holds
 * the same chunks.
 */
export function createHybridMetrics(registry: Registry, kb: () => HybridKnowledgeBase | null): EmbedObserver {
  const requests = new Counter({
    name: 'kefu_embedding_requests_total',
    help: 'Calls to the embedding server, for knowledge chunks or a question, by outcome (ok, error).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kefu_embedding_request_duration_seconds',
    help: 'Time of one call to the embedding server (a batch of chunks, or one question).',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'kefu_knowledge_chunks',
    help: 'Retrievable knowledge-base chunks this process knows of.',
    aggregator: 'max',
    registers: [registry],
    collect() {
      const k = kb();
      if (k !== null) this.set(k.vectorStats().chunks);
    },
  });
  new Gauge({
    name: 'kefu_knowledge_chunks_embedded',
    help: 'Knowledge-base chunks with a vector, found by meaning as well as by words.',
    aggregator: 'max',
    registers: [registry],
    collect() {
      const k = kb();
      if (k !== null) this.set(k.vectorStats().embedded);
    },
  });
  return (kind, outcome, seconds) => {
    requests.inc({ kind, outcome });
    duration.observe({ kind }, seconds);
  };
}
