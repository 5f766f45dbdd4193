import type { LanguageModel } from '../../contracts/language-model.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { createCircuitBreaker, type BreakerOptions, type BreakerState } from './circuit-breaker.ts';
import { createHealthRound, runCheck } from './health-checks.ts';
import { routeRequest } from './route-request.ts';
import type { RouterContext, Slot } from './router-context.ts';

export type BackendRole = 'active' | 'standby';

export interface RouterBackend {
  /** Label in metrics, events and `status()`; unique within a router. */
  id: string;
  model: LanguageModel;
  /** Standby backends get traffic only when no active one can take it. */
  role: BackendRole;
  /** Relative capacity: load is compared as outstanding requests ÷ weight (default 1). */
  weight?: number;
}

export interface HealthOptions {
  intervalMs: number;
  /** Resolves when the backend can serve; default `backend.model.ready()` (`GET {base}/models` for OpenAI-compatible ones). */
  check?: (backend: RouterBackend) => Promise<void>;
  /** A check slower than this fails (default the smaller of `intervalMs` and 5 000 ms). */
  timeoutMs?: number;
}

/**
 * How one attempt on one backend ended. `failure`: the backend failed (counts against its
 * breaker). `rejected`: it refused this request (400, context overflow): no failover, no count.
 * `deadline`: the router's budget ran out while the backend had the request. `aborted`: the
 * caller stopped.
 */
export type RequestOutcome = 'success' | 'failure' | 'rejected' | 'deadline' | 'aborted';

export type RouterEvent =
  | { type: 'request'; backend: string; outcome: RequestOutcome; durationMs: number; firstTokenMs?: number | undefined; error?: unknown }
  | { type: 'breaker'; backend: string; from: BreakerState; to: BreakerState }
  | { type: 'health'; backend: string; ok: boolean; error?: unknown }
  | { type: 'unavailable'; tried: string[] };

export interface LlmRouterOptions {
  backends: readonly RouterBackend[];
  /** Periodic checks; the first round starts at once, so a dead backend is marked down before any request. */
  health?: HealthOptions;
  breaker?: BreakerOptions;
  /** Budget for a whole request, failovers included; when it passes the stream ends with `llm_deadline`. */
  deadlineMs?: number;
  /** Per attempt: a backend that sends no text within this is abandoned for the next one. */
  firstTokenTimeoutMs?: number;
  /** Clock for breakers and latencies (default `performance.now`). */
  now?: () => number;
  /** Called synchronously for every request, breaker move and health check; a throwing listener is ignored. */
  onEvent?: (event: RouterEvent) => void;
}

export interface BackendStatus {
  id: string;
  role: BackendRole;
  weight: number;
  state: BreakerState;
  outstanding: number;
  /** Result of the last health check or `ready()`; null before the first. */
  healthy: boolean | null;
  consecutiveFailures: number;
  lastError: string | null;
}

export interface LlmRouter extends LanguageModel {
  status(): BackendStatus[];
  /** Runs one round of health checks now (they also run every `health.intervalMs`). */
  checkHealth(): Promise<void>;
}

/**
 * A LanguageModel over several backends. Each request goes to the usable active backend with the
 * fewest outstanding requests per unit of weight (ties in turn); standby backends only when no
 * active one is usable. A failure before the first token moves the request to the next backend;
 * after it, the stream ends with the backend's error part, since the caller has shown text. Each
 * backend has a circuit breaker; health checks open it early and close it early.
 */
export function createLlmRouter(options: LlmRouterOptions): LlmRouter {
  if (options.backends.length === 0)
    throw new LLMProviderError('llm_not_configured', 'createLlmRouter needs at least one backend');
  const ids = new Set(options.backends.map((b) => b.id));
  if (ids.size !== options.backends.length) throw new LLMProviderError('llm_not_configured', 'LLM router backend ids must be unique');
  const now = options.now ?? (() => performance.now());
  const { deadlineMs, firstTokenTimeoutMs, health } = options;
  const emit = (event: RouterEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // a metrics or logging bug must never break a reply
    }
  };
  const slots: Slot[] = options.backends.map((backend) => {
    const weight = backend.weight ?? 1;
    if (!(weight > 0)) throw new LLMProviderError('llm_not_configured', `LLM router backend ${backend.id}: weight must be > 0`);
    return {
      backend,
      weight,
      breaker: createCircuitBreaker(options.breaker ?? {}, now, (to, from) => emit({ type: 'breaker', backend: backend.id, from, to })),
      outstanding: 0,
      healthy: null,
      lastError: null,
    };
  });
  const ctx: RouterContext = { slots, now, emit, deadlineMs, firstTokenTimeoutMs, next: 0, closed: false };
  const checkHealth = createHealthRound(ctx, health);

  let interval: NodeJS.Timeout | undefined;
  if (health !== undefined) {
    void checkHealth();
    interval = setInterval(() => void checkHealth(), health.intervalMs);
    interval.unref();
  }

  return {
    id: `router:${slots.map((s) => s.backend.id).join(',')}`,
    /** Resolves when at least one backend is ready; each backend's answer also counts as a health check. */
    async ready() {
      const timeoutMs = health?.timeoutMs ?? 30_000;
      await Promise.all(slots.map((s) => runCheck(ctx, s, () => s.backend.model.ready(), timeoutMs)));
      if (!slots.some((s) => s.healthy === true))
        throw new LLMProviderError(
          'llm_unavailable',
          `no LLM backend ready: ${slots.map((s) => `${s.backend.id}: ${s.lastError ?? 'not ready'}`).join('; ')}`,
          { status: 503, retryable: true },
        );
    },
    doStream: (params) => routeRequest(ctx, params),
    status: () =>
      slots.map((s) => ({
        id: s.backend.id,
        role: s.backend.role,
        weight: s.weight,
        state: s.breaker.state(),
        outstanding: s.outstanding,
        healthy: s.healthy,
        consecutiveFailures: s.breaker.consecutiveFailures,
        lastError: s.lastError,
      })),
    checkHealth,
    async close() {
      ctx.closed = true;
      clearInterval(interval);
      await Promise.all(slots.map((s) => s.backend.model.close()));
    },
  };
}
