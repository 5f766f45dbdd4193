import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from './circuit-breaker.ts';
import type { LlmRouter, RouterEvent } from './create-llm-router.ts';

/** `kefu_llm_backend_breaker_state`: 0 closed, 1 half-open, 2 open (higher is worse). */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };

export interface LlmRouterMetrics {
  /** Pass as the router's `onEvent`: counts requests, observes latencies. */
  onEvent(event: RouterEvent): void;
  /** Reads outstanding requests, breaker state and health from `router.status()` at each scrape. */
  watch(router: Pick<LlmRouter, 'status'>): void;
}

/**
 * Per-backend Prometheus metrics for the LLM router, registered on the registry passed in:
 * `kefu_llm_backend_requests_total{backend,outcome}`, `kefu_llm_backend_request_duration_seconds`,
 * `kefu_llm_backend_first_token_seconds`, and the gauges `kefu_llm_backend_outstanding_requests`,
 * `kefu_llm_backend_breaker_state` and `kefu_llm_backend_up`.
 */
export function createLlmRouterMetrics(registry: Registry): LlmRouterMetrics {
  const routers: Pick<LlmRouter, 'status'>[] = [];
  const statuses = () => routers.flatMap((r) => r.status());
  const requests = new Counter({
    name: 'kefu_llm_backend_requests_total',
    help: 'Attempts sent to an LLM backend, by outcome (success, failure, rejected, deadline, aborted).',
    labelNames: ['backend', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kefu_llm_backend_request_duration_seconds',
    help: 'Time from sending an attempt to an LLM backend to its end, by outcome.',
    labelNames: ['backend', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: 'kefu_llm_backend_first_token_seconds',
    help: 'Time from sending an attempt to an LLM backend to its first text.',
    labelNames: ['backend'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'kefu_llm_backend_outstanding_requests',
    help: 'Requests an LLM backend has in flight now.',
    labelNames: ['backend', 'role'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of statuses()) this.set({ backend: s.id, role: s.role }, s.outstanding);
    },
  });
  new Gauge({
    name: 'kefu_llm_backend_breaker_state',
    help: 'Circuit breaker of an LLM backend: 0 closed, 1 half-open, 2 open.',
    labelNames: ['backend'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of statuses()) this.set({ backend: s.id }, BREAKER_STATE_VALUE[s.state]);
    },
  });
  new Gauge({
    name: 'kefu_llm_backend_up',
    help: 'Last health check of an LLM backend: 1 passed, 0 failed (absent before the first).',
    labelNames: ['backend'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of statuses()) if (s.healthy !== null) this.set({ backend: s.id }, s.healthy ? 1 : 0);
    },
  });

  return {
    onEvent(event) {
      if (event.type !== 'request') return;
      requests.inc({ backend: event.backend, outcome: event.outcome });
      duration.observe({ backend: event.backend, outcome: event.outcome }, event.durationMs / 1000);
      if (event.firstTokenMs !== undefined) firstToken.observe({ backend: event.backend }, event.firstTokenMs / 1000);
    },
    watch(router) {
      routers.push(router);
    },
  };
}
