import type { HealthOptions, RouterBackend } from './create-llm-router.ts';
import { describe, type RouterContext, type Slot } from './router-context.ts';

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One check of one backend; its result moves the backend's breaker and is reported as a `health` event. */
export async function runCheck(ctx: RouterContext, slot: Slot, check: () => Promise<void>, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(check(), timeoutMs, `${slot.backend.id} health check`);
    slot.healthy = true;
    slot.breaker.healthy();
    ctx.emit({ type: 'health', backend: slot.backend.id, ok: true });
  } catch (e) {
    slot.healthy = false;
    slot.lastError = describe(e);
    slot.breaker.trip();
    ctx.emit({ type: 'health', backend: slot.backend.id, ok: false, error: e });
  }
}

/** A function that runs one round of checks on every backend, or joins the round already running. */
export function createHealthRound(ctx: RouterContext, health: HealthOptions | undefined): () => Promise<void> {
  let round: Promise<void> | undefined;
  return function checkHealth(): Promise<void> {
    if (ctx.closed) return Promise.resolve();
    const check = health?.check ?? ((b: RouterBackend) => b.model.ready());
    const timeoutMs = health?.timeoutMs ?? Math.min(health?.intervalMs ?? 5000, 5000);
    // One round at a time: a slow round is not stacked on by the next tick.
    round ??= Promise.all(ctx.slots.map((s) => runCheck(ctx, s, () => check(s.backend), timeoutMs))).then(() => {
      round = undefined;
    });
    return round;
  };
}
