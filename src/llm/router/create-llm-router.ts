import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../contracts/language-model.ts';
import { isKefuError } from '../../errors.ts';
import { LLMProviderError } from '../llm-provider-error.ts';
import { createCircuitBreaker, type BreakerOptions, type BreakerState, type CircuitBreaker } from './circuit-breaker.ts';

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

interface Slot {
  backend: RouterBackend;
  weight: number;
  breaker: CircuitBreaker;
  outstanding: number;
  healthy: boolean | null;
  lastError: string | null;
}

type AttemptResult = { kind: 'done' } | { kind: 'failed'; message: string };
const DONE: AttemptResult = { kind: 'done' };
const STOPPED = Symbol('stopped');

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Errors not from Kefu (a thrown TypeError, a bare string) are taken as the backend's fault. */
const isRetryable = (e: unknown): boolean => (isKefuError(e) ? e.retryable : true);

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
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
  let next = 0; // round-robin start for ties
  let closed = false;

  function pick(tried: ReadonlySet<Slot>): Slot | undefined {
    for (const role of ['active', 'standby'] as const) {
      let best: Slot | undefined;
      let bestIndex = 0;
      for (let k = 0; k < slots.length; k++) {
        const i = (next + k) % slots.length;
        const s = slots[i]!;
        if (s.backend.role !== role || tried.has(s) || !s.breaker.canPass()) continue;
        if (best === undefined || s.outstanding / s.weight < best.outstanding / best.weight) {
          best = s;
          bestIndex = i;
        }
      }
      if (best !== undefined) {
        next = (bestIndex + 1) % slots.length;
        return best;
      }
    }
    return undefined;
  }

  const deadlineError = (): LLMProviderError =>
    new LLMProviderError('llm_deadline', `no complete answer within the ${deadlineMs} ms budget`, { status: 504, retryable: false });

  async function* attempt(
    slot: Slot,
    params: GenerateParams,
    deadline: AbortSignal,
    deadlinePassed: () => boolean,
  ): AsyncGenerator<LanguageModelStreamPart, AttemptResult, undefined> {
    const t0 = now();
    const ctrl = new AbortController();
    let firstTokenTimedOut = false;
    const signal = AbortSignal.any(params.signal ? [params.signal, deadline, ctrl.signal] : [deadline, ctrl.signal]);
    const stopped = new Promise<typeof STOPPED>((resolve) => {
      if (signal.aborted) resolve(STOPPED);
      else signal.addEventListener('abort', () => resolve(STOPPED), { once: true });
    });
    const release = slot.breaker.acquire();
    slot.outstanding++;
    const firstTokenTimer =
      firstTokenTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            firstTokenTimedOut = true;
            ctrl.abort();
          }, firstTokenTimeoutMs);
    let delivered = false;
    let firstTokenMs: number | undefined;
    let outcome: RequestOutcome = 'aborted'; // stays so when the caller stops reading early
    let error: unknown;
    let iterator: AsyncIterator<LanguageModelStreamPart> | undefined;

    const fail = (e: unknown): void => {
      outcome = 'failure';
      error = e;
      slot.lastError = describe(e);
      slot.breaker.failure();
    };
    // Why the signal fired, if it did: the caller's abort wins, then the deadline, then the first-token timer.
    const interruption = (): 'caller' | 'deadline' | 'first-token' | undefined =>
      params.signal?.aborted ? 'caller' : deadlinePassed() ? 'deadline' : firstTokenTimedOut && !delivered ? 'first-token' : undefined;

    async function* interrupted(kind: 'caller' | 'deadline' | 'first-token'): AsyncGenerator<LanguageModelStreamPart, AttemptResult, undefined> {
      if (kind === 'caller') {
        outcome = 'aborted';
        yield { type: 'finish', finishReason: 'abort', usage: {} };
        return DONE;
      }
      if (kind === 'deadline') {
        // Silent until the budget ran out counts against the backend; a long answer cut short does not.
        if (!delivered) slot.breaker.failure();
        outcome = 'deadline';
        error = deadlineError();
        yield { type: 'error', error };
        return DONE;
      }
      fail(new LLMProviderError('llm_timeout', `${slot.backend.id}: no first token within ${firstTokenTimeoutMs} ms`, { retryable: true }));
      return { kind: 'failed', message: `${slot.backend.id}: no first token within ${firstTokenTimeoutMs} ms` };
    }

    async function* failed(e: unknown): AsyncGenerator<LanguageModelStreamPart, AttemptResult, undefined> {
      const kind = interruption();
      if (kind !== undefined) return yield* interrupted(kind);
      // Before any text, a non-retryable error is the request's own fault (400, context overflow).
      if (!delivered && !isRetryable(e)) {
        outcome = 'rejected';
        error = e;
        yield { type: 'error', error: e };
        return DONE;
      }
      fail(e);
      if (!delivered) return { kind: 'failed', message: `${slot.backend.id}: ${describe(e)}` };
      yield { type: 'error', error: e };
      return DONE;
    }

    try {
      iterator = slot.backend.model.doStream({ ...params, signal })[Symbol.asyncIterator]();
      for (;;) {
        const pending = iterator.next();
        pending.catch(() => {}); // settled later, after a stop: never an unhandled rejection
        const r = await Promise.race([pending, stopped]);
        if (r === STOPPED) {
          // A backend that ignores its signal must not hold the request past the deadline.
          return yield* interrupted(interruption() ?? 'caller');
        }
        if (r.done) {
          iterator = undefined;
          if (delivered) {
            outcome = 'success';
            slot.breaker.success();
            yield { type: 'finish', finishReason: 'other', usage: {} };
            return DONE;
          }
          return yield* failed(new LLMProviderError('llm_bad_response', `${slot.backend.id}: stream ended without an answer`, { retryable: true }));
        }
        const part = r.value;
        if (part.type === 'text-delta') {
          if (!delivered) {
            delivered = true;
            clearTimeout(firstTokenTimer);
            firstTokenMs = now() - t0;
          }
          yield part;
        } else if (part.type === 'finish') {
          if (part.finishReason === 'abort') {
            const kind = interruption();
            if (kind !== undefined) return yield* interrupted(kind);
          }
          outcome = part.finishReason === 'abort' ? 'aborted' : 'success';
          if (outcome === 'success') slot.breaker.success();
          yield part;
          return DONE;
        } else {
          return yield* failed(part.error);
        }
      }
    } catch (e) {
      return yield* failed(e);
    } finally {
      clearTimeout(firstTokenTimer);
      ctrl.abort(); // closes the upstream request when the caller stopped reading early
      if (iterator !== undefined) void iterator.return?.()?.catch(() => {});
      slot.outstanding--;
      release();
      emit({ type: 'request', backend: slot.backend.id, outcome, durationMs: now() - t0, firstTokenMs, ...(error === undefined ? {} : { error }) });
    }
  }

  async function* doStream(params: GenerateParams): AsyncGenerator<LanguageModelStreamPart, void, undefined> {
    const deadline = new AbortController();
    let deadlinePassed = false;
    const timer =
      deadlineMs === undefined
        ? undefined
        : setTimeout(() => {
            deadlinePassed = true;
            deadline.abort();
          }, deadlineMs);
    try {
      if (closed) {
        yield { type: 'error', error: new LLMProviderError('llm_closed', 'LLM router closed', { status: 503, retryable: true }) };
        return;
      }
      const tried = new Set<Slot>();
      const failures: string[] = [];
      for (;;) {
        if (params.signal?.aborted) {
          yield { type: 'finish', finishReason: 'abort', usage: {} };
          return;
        }
        if (deadlinePassed) {
          yield { type: 'error', error: deadlineError() };
          return;
        }
        const slot = pick(tried);
        if (slot === undefined) break;
        tried.add(slot);
        const result = yield* attempt(slot, params, deadline.signal, () => deadlinePassed);
        if (result.kind === 'done') return;
        failures.push(result.message);
      }
      const down = slots.filter((s) => !tried.has(s)).map((s) => `${s.backend.id} (${s.breaker.state()})`);
      emit({ type: 'unavailable', tried: [...tried].map((s) => s.backend.id) });
      yield {
        type: 'error',
        error: new LLMProviderError(
          'llm_unavailable',
          `no LLM backend could answer: ${[...failures, ...(down.length > 0 ? [`not tried: ${down.join(', ')}`] : [])].join('; ')}`,
          { status: 503, retryable: true },
        ),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function runCheck(slot: Slot, check: () => Promise<void>, timeoutMs: number): Promise<void> {
    try {
      await withTimeout(check(), timeoutMs, `${slot.backend.id} health check`);
      slot.healthy = true;
      slot.breaker.healthy();
      emit({ type: 'health', backend: slot.backend.id, ok: true });
    } catch (e) {
      slot.healthy = false;
      slot.lastError = describe(e);
      slot.breaker.trip();
      emit({ type: 'health', backend: slot.backend.id, ok: false, error: e });
    }
  }

  let round: Promise<void> | undefined;
  function checkHealth(): Promise<void> {
    if (closed) return Promise.resolve();
    const check = health?.check ?? ((b: RouterBackend) => b.model.ready());
    const timeoutMs = health?.timeoutMs ?? Math.min(health?.intervalMs ?? 5000, 5000);
    // One round at a time: a slow round is not stacked on by the next tick.
    round ??= Promise.all(slots.map((s) => runCheck(s, () => check(s.backend), timeoutMs))).then(() => {
      round = undefined;
    });
    return round;
  }

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
      await Promise.all(slots.map((s) => runCheck(s, () => s.backend.model.ready(), timeoutMs)));
      if (!slots.some((s) => s.healthy === true))
        throw new LLMProviderError(
          'llm_unavailable',
          `no LLM backend ready: ${slots.map((s) => `${s.backend.id}: ${s.lastError ?? 'not ready'}`).join('; ')}`,
          { status: 503, retryable: true },
        );
    },
    doStream,
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
      closed = true;
      clearInterval(interval);
      await Promise.all(slots.map((s) => s.backend.model.close()));
    },
  };
}
