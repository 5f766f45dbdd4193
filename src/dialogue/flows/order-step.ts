import type { Order } from '../../contracts/order-connector.ts';
import type { FillResult, FlowContext, Slots, StepSpec } from '../flow-types.ts';
import { askForOrder, correctOrder, resolveOrder, type ResolveOptions } from '../order-resolver.ts';

/**
 * What a flow says about an order it was given: null when it can act on it; a string that says
 * why not (the flow ends); or a note to say and slots to set while the flow goes on (e.g. "past
 * the refund period, but an exchange is still possible").
 */
const OTHER_SLOT = /地址|原因|理由|收货人|收件人|电话|手机|address|reason|phone|recipient/i;

export type OrderCheck = string | null | { note: string; slots: Slots };

/**
 * The "which order" step every order flow starts with. `check` runs as soon as the order is known,
 * before any other detail is asked, so an order the flow cannot act on is explained at once.
 */
export function orderStep(options: {
  eligible?: (o: Order, ctx: FlowContext, slots: Slots) => boolean;
  check?: (o: Order, ctx: FlowContext, slots: Slots) => OrderCheck;
  dependents?: readonly string[];
}): StepSpec {
  const resolveOptions = (ctx: FlowContext, slots: Slots): ResolveOptions => {
    const eligible = options.eligible;
    return eligible === undefined ? {} : { eligible: (o) => eligible(o, ctx, slots) };
  };
  const checked = (result: FillResult, ctx: FlowContext, slots: Slots): FillResult => {
    if (result?.kind !== 'filled' || options.check === undefined) return result;
    const order = result.slots['order'] as Order | undefined;
    if (order === undefined) return result;
    const verdict = options.check(order, ctx, Object.assign({}, slots, result.slots));
    if (verdict === null) return result;
    if (typeof verdict === 'string') return { kind: 'reply', text: verdict, end: true };
    return { kind: 'filled', slots: Object.assign({}, result.slots, verdict.slots), note: verdict.note };
  };
  return {
    id: 'choose_order',
    done: (slots) => slots['order'] !== undefined,
    async ask(slots, ctx) {
      const asked = await askForOrder(ctx, slots, resolveOptions(ctx, slots));
      // The list shown is remembered so "第二个" picks from it next turn.
      Object.assign(slots, asked.slots);
      return asked.text;
    },
    async fill(ctx, slots) {
      return checked(await resolveOrder(ctx, slots, resolveOptions(ctx, slots)), ctx, slots);
    },
    async correct(ctx, slots) {
      // "不是这个地址", "原因改成…" correct another slot, not the order.
      if (OTHER_SLOT.test(ctx.text) && !/订单|这单|那单|\border\b/i.test(ctx.text)) return null;
      const corrected = await correctOrder(ctx, slots, resolveOptions(ctx, slots));
      if (corrected === null || corrected['order'] === undefined || options.check === undefined) return corrected;
      const verdict = options.check(corrected['order'] as Order, ctx, slots);
      if (verdict === null) return corrected;
      if (typeof verdict === 'string') return { order: undefined, candidates: undefined };
      return Object.assign({}, corrected, verdict.slots);
    },
    dependents: options.dependents ?? [],
  };
}
