import type { RouterContext, Slot } from './router-context.ts';

/**
 * The usable active backend with the fewest outstanding requests per unit of weight (ties in
 * turn, from `ctx.next`); a standby one only when no active one is usable.
 */
export function pickSlot(ctx: RouterContext, tried: ReadonlySet<Slot>): Slot | undefined {
  const { slots } = ctx;
  for (const role of ['active', 'standby'] as const) {
    let best: Slot | undefined;
    let bestIndex = 0;
    for (let k = 0; k < slots.length; k++) {
      const i = (ctx.next + k) % slots.length;
      const s = slots[i]!;
      if (s.backend.role !== role || tried.has(s) || !s.breaker.canPass()) continue;
      if (best === undefined || s.outstanding / s.weight < best.outstanding / best.weight) {
        best = s;
        bestIndex = i;
      }
    }
    if (best !== undefined) {
      ctx.next = (bestIndex + 1) % slots.length;
      return best;
    }
  }
  return undefined;
}
