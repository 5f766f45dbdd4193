import { turnIdCandidates } from '../entities/order-id-candidates.ts';
import type { FlowContext } from '../flow-types.ts';
import { findIdTail } from './find-id-tail.ts';
import { idShaped } from './find-order-reference.ts';
import { namedOrdinal, refersToFocus } from './reference-words.ts';

/**
 * Whether a message points at one particular order of the customer's: an id-shaped token in any
 * format ("SO7X… 能取消吗"), the last digits ("查下尾号0017的那单"), or, once an order was
 * discussed, a word for it ("can you cancel it?", "那单能退吗"). Such a message is about their
 * own order, not about the policy, even when phrased as a question; so does a place among their
 * orders ("my last order", "第二个订单"). Cheap: no order-system call.
 */
export function mentionsOrder(ctx: Pick<FlowContext, 'text' | 'nlu' | 'orderMemory'>): boolean {
  if (ctx.nlu.entities.some((e) => e.type === 'order_id' || e.type === 'tracking_no')) return true;
  const other = ctx.nlu.entities.filter((e) => e.type === 'date' || e.type === 'amount');
  if (turnIdCandidates(ctx.text).some((c) => idShaped(c, []) && !other.some((e) => e.start < c.end && c.start < e.end))) return true;
  if (findIdTail(ctx.text) !== null || namedOrdinal(ctx.text) !== null) return true;
  return ctx.orderMemory?.focusOrderId != null && refersToFocus(ctx.text);
}
