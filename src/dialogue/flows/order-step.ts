import type { Order } from '../../contracts/order-connector.ts';
import type { FillResult, FlowContext, Slots, StepSpec } from '../flow-types.ts';
import { askForOrder, correctOrder, resolveOrder } from '../order-resolver.ts';

/**
 * The "which order" step every order flow starts with. `check` turns an order the flow cannot
 * act on into the reply that says why (already shipped, not delivered yet...), ending the flow.
 */
export function orderStep(options: {
  eligible?: (o: Order) => boolean;
  check?: (o: Order, ctx: FlowContext, slots: Slots) => string | null;
  dependents?: readonly string[];
}): StepSpec {
  const checked = (result: FillResult, ctx: FlowContext, slots: Slots): FillResult => {
    if (result?.kind !== 'filled' || options.check === undefined) return result;
    const order = result.slots['order'] as Order | undefined;
    if (order === undefined) return result;
    const why = options.check(order, ctx, { ...slots, ...result.slots });
    return why === null ? result : { kind: 'reply', text: why, end: true };
  };
  return {
    id: 'choose_order',
    done: (slots) => slots['order'] !== undefined,
    async ask(slots, ctx) {
      const asked = await askForOrder(ctx, slots, options.eligible === undefined ? {} : { eligible: options.eligible });
      // The list shown is remembered so "第二个" picks from it next turn.
      Object.assign(slots, asked.slots);
      return asked.text;
    },
    async fill(ctx, slots) {
      return checked(await resolveOrder(ctx, slots, options.eligible === undefined ? {} : { eligible: options.eligible }), ctx, slots);
    },
    async correct(ctx, slots) {
      const corrected = await correctOrder(ctx, slots, options.eligible === undefined ? {} : { eligible: options.eligible });
      if (corrected === null || corrected['order'] === undefined || options.check === undefined) return corrected;
      const why = options.check(corrected['order'] as Order, ctx, slots);
      return why === null ? corrected : { order: undefined, candidates: undefined };
    },
    dependents: options.dependents ?? [],
  };
}
