import type { Intent } from '../../contracts/reply-part.ts';
import type { FlowContext, FlowName } from '../flow-types.ts';
import { asksAboutProcedure, wantsAction } from '../wants-action.ts';
import { followsUpOnAnOrder } from './follows-up-on-an-order.ts';
import { itemNameScores } from './match-item-names.ts';
import { mentionsOrder } from './mentions-order.ts';
import { namesOnlyAnOrder } from './names-only-an-order.ts';
import { ownOrders } from './own-orders.ts';

/**
 * The order flow a message asks for because it is about one of the customer's own orders,
 * which the intent alone cannot tell: only an order number ("SO7X2K9M4P1Q0003"), a follow-up
 * on another order ("那个耳机呢"), an item of one of their orders with an order intent
 * ("耳机签收了吗", "has the vacuum flask shipped"), or a status question that points at one order
 * (its last digits, or "那它什么时候签收的" about the order just discussed). Null when none
 * applies; the intent then decides as usual.
 */
const STATUS = /到哪|到了|到货|签收|发货|寄出|物流|快递|运单|送达|还没到|什么时候到|路上|\bship(?:ped|ping)?\b|\barriv(?:e|ed|ing)\b|\bdeliver(?:ed|y)?\b|\btracking\b|\bwhere\b|\bstatus\b|on (?:the|its) way|in transit/iu;

export async function ownOrderFlow(ctx: FlowContext, flowOf: (intent: Intent) => FlowName | null): Promise<FlowName | null> {
  if (namesOnlyAnOrder(ctx.text, ctx.nlu.entities) || (await followsUpOnAnOrder(ctx))) return 'order_status';
  if (ctx.userId === null || ctx.text.length > 200) return null;
  const intentFlow = flowOf(ctx.nlu.intent);
  // The intent starts its flow anyway: no need to look at the orders here.
  if (intentFlow !== null && wantsAction(ctx.nlu, ctx.text)) return null;
  const status = STATUS.test(ctx.text);
  if (intentFlow === null && !status) return null;
  // "the order that ends in 0003, where is it", "那它什么时候签收的" (after an order was discussed).
  if (status && mentionsOrder(ctx)) return intentFlow ?? 'order_status';
  // "how often do I need to replace the purifier filter?" names an item of their orders but asks
  // how things work: the knowledge base answers, no return or exchange starts.
  if (!status && intentFlow !== 'order_status' && asksAboutProcedure(ctx.text)) return null;
  const named = itemNameScores(await ownOrders(ctx), ctx.text).some((s) => s > 0);
  return named ? (intentFlow ?? 'order_status') : null;
}
