/**
 * A per-backend circuit breaker. `closed` lets every request through; `open` lets none through
 * until `openMs` has passed; then `half-open` lets up to `halfOpenProbes` requests through at once,
 * and the first outcome decides: a success closes it, a failure opens it again for `openMs`.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker (default 5). */
  failureThreshold?: number;
  /** Also open when the failure ratio over the last `windowMs` reaches `threshold` (0..1), once `minRequests` outcomes are in. */
  errorRate?: { threshold: number; windowMs: number; minRequests?: number };
  /** How long an open breaker refuses traffic before it lets a probe through (default 10 000 ms). */
  openMs?: number;
  /** Requests let through at once while half-open (default 1). */
  halfOpenProbes?: number;
}

/** Why the breaker last opened: request failures, or a failed health check. */
export type OpenedBy = 'requests' | 'health';

export interface CircuitBreaker {
  /** The state now; an open breaker whose `openMs` has passed reads (and becomes) half-open. */
  state(): BreakerState;
  /** Whether a request may go through now; half-open counts the probe slots in use. */
  canPass(): boolean;
  /** Takes a slot for a request that `canPass()` allowed; returns the release for a request that ends without a verdict. */
  acquire(): () => void;
  success(): void;
  failure(): void;
  /** A failed health check: open now, whatever the counts say. */
  trip(): void;
  /** A passed health check: closes a breaker the health check opened, and lets a probe through one that failures opened. */
  healthy(): void;
  readonly consecutiveFailures: number;
}

/** The outcomes of the last `windowMs` (none kept without an error-rate rule) and whether their failure ratio trips the breaker. */
function errorRateWindow(rate: BreakerOptions['errorRate'], now: () => number) {
  const outcomes: { at: number; ok: boolean }[] = [];
  return {
    record(ok: boolean): void {
      if (rate === undefined) return;
      const t = now();
      outcomes.push({ at: t, ok });
      while (outcomes.length > 0 && outcomes[0]!.at <= t - rate.windowMs) outcomes.shift();
    },
    tripped(): boolean {
      if (rate === undefined || outcomes.length < (rate.minRequests ?? 10)) return false;
      return outcomes.filter((o) => !o.ok).length / outcomes.length >= rate.threshold;
    },
    clear(): void {
      outcomes.length = 0;
    },
  };
}

export function createCircuitBreaker(
  options: BreakerOptions,
  now: () => number,
  onChange: (to: BreakerState, from: BreakerState) => void,
): CircuitBreaker {
  const { failureThreshold = 5, openMs = 10_000, halfOpenProbes = 1 } = options;
  const errors = errorRateWindow(options.errorRate, now);
  let current: BreakerState = 'closed';
  let openedAt = 0;
  let openedBy: OpenedBy = 'requests';
  let consecutive = 0;
  let probes = 0;
  let generation = 0; // bumps on every move, so a stale probe release cannot free a newer slot

  function move(to: BreakerState): void {
    if (to === current) return;
    const from = current;
    current = to;
    generation++;
    probes = 0;
    if (to === 'closed') {
      consecutive = 0;
      errors.clear();
    }
    onChange(to, from);
  }

  function open(by: OpenedBy): void {
    openedAt = now();
    openedBy = by;
    move('open');
  }

  function state(): BreakerState {
    if (current === 'open' && now() - openedAt >= openMs) move('half-open');
    return current;
  }

  return {
    state,
    canPass: () => {
      const s = state();
      return s === 'closed' || (s === 'half-open' && probes < halfOpenProbes);
    },
    acquire() {
      if (state() !== 'half-open') return () => {};
      probes++;
      const taken = generation;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (taken === generation && probes > 0) probes--;
      };
    },
    success() {
      consecutive = 0;
      errors.record(true);
      if (state() !== 'closed') move('closed');
    },
    failure() {
      consecutive++;
      errors.record(false);
      const s = state();
      if (s === 'half-open') open('requests');
      else if (s === 'closed' && (consecutive >= failureThreshold || errors.tripped())) open('requests');
    },
    trip() {
      if (state() !== 'open') open('health');
    },
    healthy() {
      const s = state();
      if (s === 'open' && openedBy === 'health') move('closed');
      else if (s === 'open') move('half-open');
    },
    get consecutiveFailures() {
      return consecutive;
    },
  };
}
