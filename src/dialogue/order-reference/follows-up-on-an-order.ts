import type { Order } from '../../contracts/order-connector.ts';
import type { FlowContext } from '../flow-types.ts';
import { findOrderReference } from './find-order-reference.ts';
import { ownOrders } from './own-orders.ts';

/**
 * "那个耳机呢?", "and the earbuds?", "那0017呢": right after an order was discussed, a short
 * follow-up that names another of the customer's orders and says nothing else asks the same
 * about that one. "那你们有没有卖保温杯呢" names an item too but asks something else, and is left
 * to the intent: once the order's words and the follow-up's own words are taken out, nothing may
 * be left.
 */
const FOLLOW_UP = /呢\s?[?？]?\s?$|^\s?(?:(?:嗯|好的?|哦|ok|okay|oh|right|thanks)[\s,，]{0,2})?(?:那|还有|and|what about|how about)\b/iu;
const FILLER = /那个|那单|那笔|还有|订单|的|呢|[那个单嗯好哦]|\b(?:and|what|how|about|the|my|one|order|ending|in|with|please|ok|okay|oh|right|thanks)\b|[\s\p{P}]/giu;

function saysNothingElse(text: string, orders: readonly Order[]): boolean {
  const names = orders.flatMap((o) => o.items.map((i) => i.name)).join(' ');
  const nameWords = new Set(names.toLowerCase().match(/[a-z]{2,}/g) ?? []);
  const left = text
    .replace(/[A-Za-z0-9]+/g, (w) => (/\d/.test(w) || nameWords.has(w.toLowerCase()) || nameWords.has(w.toLowerCase().replace(/e?s$/, '')) ? '' : w))
    .replace(/\p{Script=Han}/gu, (c) => (names.includes(c) ? '' : c))
    .replace(FILLER, '');
  return left.length === 0;
}

export async function followsUpOnAnOrder(ctx: FlowContext): Promise<boolean> {
  if (ctx.userId === null || ctx.orderMemory?.focusOrderId == null) return false;
  if (ctx.text.length > 40 || !FOLLOW_UP.test(ctx.text)) return false;
  const orders = await ownOrders(ctx);
  if (!saysNothingElse(ctx.text, orders)) return false;
  const ref = await findOrderReference({
    text: ctx.text,
    entities: ctx.nlu.entities.filter((e) => e.type !== 'date'),
    orders,
    timeZone: ctx.timeZone,
    asked: true,
    lookup: async () => null,
  });
  return ref.kind === 'order' && ref.by !== 'ordinal' && ref.order.order_id !== ctx.orderMemory.focusOrderId;
}
