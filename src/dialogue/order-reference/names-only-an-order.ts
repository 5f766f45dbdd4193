import type { Entity } from '../../contracts/nlu.ts';
import { turnIdCandidates } from '../entities/order-id-candidates.ts';
import { idShaped } from './find-order-reference.ts';

/**
 * A message that is an order or tracking number and nothing else ("SO7X2K9M4P1Q0003",
 * "订单号 KF20261121001", "it's so7x-2k9m-4p1q-0003"): the customer asks about that order, so
 * the order-status flow answers it (or says it is not on their account) instead of the
 * knowledge base.
 */
const FILLER = /[\s,，.。!！?？:：#~～]|订单号?|单号|运单号?|快递单?号?|是|查一?下|看一?看|一下|问一?下|催一?下|帮我|麻烦|亲|\b(?:order|number|tracking|no|is|my|the|it'?s|please|check|look|see|track|into|about|up|on)\b/giu;

export function namesOnlyAnOrder(text: string, entities: readonly Entity[]): boolean {
  if (text.length > 80) return false;
  const spans = [
    ...entities.filter((e) => e.type === 'order_id' || e.type === 'tracking_no'),
    // A date or an amount is not an order number, whatever its digits.
    ...turnIdCandidates(text).filter((c) => idShaped(c, []) && !entities.some((e) => (e.type === 'date' || e.type === 'amount') && e.start < c.end && c.start < e.end)),
  ];
  return spans.some((s) => (text.slice(0, s.start) + text.slice(s.end)).replace(FILLER, '').length === 0);
}
